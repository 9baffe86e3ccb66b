// newsspan annotate: the page. Every text from a document is put into the DOM as text (textContent,
// createTextNode, attribute properties), never as markup. Talks to the API of newsspan.annotate.api.
import { $, api, clone, h, short } from "./dom.js";
import {
  CpText, LABEL_FIELD, LAYERS, acceptSuggestion, isInGold, newItem, pointerSpan, renumber, snap, step,
} from "./model.js";
import { covering, offsetFromPoint, pointToOffset, rangeAt, renderText, setEntityLabels } from "./textview.js";
const S = {
  docs: [], id: null, doc: null, etag: null, ctx: null, cp: new CpText(""), tokens: [], labels: null,
  saveTarget: "own", history: [], future: [], sel: null, ksel: null, layer: "entities", subToken: false,
  pick: null, problems: [], rejected: new Set(), savedJson: "", adj: null, view: "annotate", timex: null,
  editList: [], conflict: null, lastLabel: {}, selectedByMouse: false, typing: null,
};

// --- state line ------------------------------------------------------------------------------

function setState(message, kind = "") {
  const el = $("save-state");
  el.textContent = message;
  el.title = message;
  el.className = kind;
  const alert = $("alert");  // refusals in full, below the bar
  alert.hidden = kind !== "bad";
  alert.textContent = kind === "bad" ? message : "";
}

// --- loading -------------------------------------------------------------------------------------

async function start() {
  const list = await api("GET", "/api/documents");
  if (list.status !== 200) {
    setState(list.data?.errors?.[0]?.message || `the server refused (${list.status})`, "bad");
    return;
  }
  S.docs = list.data;
  const select = $("doc-select");
  select.replaceChildren(...S.docs.map(d => h("option", { value: d.id }, `${d.id} (${d.status})`)));
  const wanted = decodeURIComponent(location.hash.slice(1));
  await openDocument(S.docs.some(d => d.id === wanted) ? wanted : S.docs[0]?.id);
}

async function openDocument(id) {
  if (!id) return;
  const [got, ctx] = await Promise.all([
    api("GET", `/api/documents/${encodeURIComponent(id)}`),
    api("GET", `/api/documents/${encodeURIComponent(id)}/context`),
  ]);
  if (got.status !== 200 || ctx.status !== 200) {
    setState((got.data || ctx.data)?.errors?.[0]?.message || "could not open the document", "bad");
    return;
  }
  const broken = ctx.data.text === null || !got.data || LAYERS.some(layer => !Array.isArray(got.data[layer]))
    || typeof got.data.metadata !== "object" || typeof got.data.annotation !== "object";
  if (broken) {  // nothing to edit safely: say why, edit nothing
    S.doc = null;
    $("text").replaceChildren();
    const problem = ctx.data.problems[0];
    setState(problem ? `${problem.file}: ${problem.code}: ${problem.message}`
      : `${ctx.data.file}: expected an annotation document with metadata, annotation and the four layers; fix it in an editor (newsspan validate says what is wrong)`, "bad");
    return;
  }
  Object.assign(S, {
    id, doc: got.data, etag: got.etag, ctx: ctx.data, cp: new CpText(ctx.data.text || ""), tokens: ctx.data.tokens,
    labels: ctx.data.labels, saveTarget: "own", history: [], future: [], sel: null, ksel: null, pick: null,
    problems: [], rejected: new Set(), savedJson: JSON.stringify(got.data), editList: [], conflict: null,
  });
  S.lastLabel = { entities: S.labels.entities[0], quotations: S.labels.quotations[0], claims: S.labels.claims[0] };
  setEntityLabels(S.labels.entities);
  $("doc-select").value = id;
  $("doc-file").textContent = ctx.data.file + (ctx.data.annotator ? ` — annotator ${ctx.data.annotator}` : "");
  history.replaceState(null, "", `${location.pathname}${location.search}#${encodeURIComponent(id)}`);
  $("banner").hidden = true;
  fillAdjudicationChoices();
  for (const p of ctx.data.problems) setState(`${p.file}${p.pointer}: ${p.message}`, "bad");
  if (!ctx.data.problems.length) setState(got.etag === '"absent"' ? "new copy (not saved yet)" : "opened");
  render();
}

// --- text being typed: a field commits its value on change (Enter, Tab, leaving it) ---------------------
// Until then the value lives only in the element. So a redraw (which replaces the elements) or a save that
// runs while nothing made the field lose focus (an answer from the server, Ctrl+S) commits it first.

function isTextField(el) {
  return el.tagName === "TEXTAREA" || (el.tagName === "INPUT" && ["text", "search", "url"].includes(el.type));
}

/** Commit what is typed in a field and not yet committed, through the field's own change handler. */
function commitTyping() {
  const field = S.typing;
  S.typing = null;
  if (field && field.isConnected) field.dispatchEvent(new Event("change"));
}

/** True while the value field of date ``id`` holds typed text not yet committed. */
function typingValueOf(id) {
  return Boolean(S.typing && S.typing.isConnected && S.typing.id === "f-value" && S.sel && S.sel.id === id);
}

// --- editing: every change goes through commit (undo, ids in text order, render) ----------------------

function commit(change) {
  S.history.push(clone(S.doc));
  if (S.history.length > 200) S.history.shift();
  S.future = [];
  change(S.doc);
  const selected = S.sel && findById(S.sel.layer, S.sel.id);
  const map = renumber(S.doc, S.labels);
  if (selected) S.sel = { layer: S.sel.layer, id: selected.id };
  else if (S.sel && map[S.sel.id]) S.sel.id = map[S.sel.id];
  render();
}

function undo() {
  if (!S.history.length) return;
  S.future.push(clone(S.doc));
  S.doc = S.history.pop();
  if (S.sel && !findById(S.sel.layer, S.sel.id)) S.sel = null;
  render();
}

function redo() {
  if (!S.future.length) return;
  S.history.push(clone(S.doc));
  S.doc = S.future.pop();
  if (S.sel && !findById(S.sel.layer, S.sel.id)) S.sel = null;
  render();
}

function findById(layer, id) {
  return (S.doc[layer] || []).find(item => item.id === id) || null;
}

function selected() {
  return S.sel ? findById(S.sel.layer, S.sel.id) : null;
}

/** Create a span in the active layer over [start, end) (snapped), or use it for a pending pick. */
function createFromRange(start, end) {
  const snapped = snap(S.cp, S.tokens, start, end, S.subToken);
  if (!snapped) return;
  const [s, e] = snapped;
  if (S.pick && ["source", "cue", "dateline"].includes(S.pick.field)) {
    const sub = { start: s, end: e, text: S.cp.slice(s, e) };
    const pick = S.pick;
    S.pick = null;
    commit(doc => {
      if (pick.field === "dateline") doc.metadata.dateline = sub;
      else {
        const q = doc.quotations.find(x => x.id === pick.id);
        if (q) q[pick.field] = sub;
      }
    });
    return;
  }
  const layer = S.layer;
  const existing = S.doc[layer].find(x => x.start === s && x.end === e);
  if (existing) {
    S.sel = { layer, id: existing.id };
    render();
    return;
  }
  const item = newItem(layer, S.cp, s, e, {
    label: S.lastLabel.entities, form: S.lastLabel.quotations, claimType: S.lastLabel.claims,
  });
  item.id = "new";
  commit(doc => doc[layer].push(item));
  S.sel = { layer, id: item.id };
  S.ksel = null;
  render();
  if (layer === "dates") suggestTimex(item, true);
  focusForm();
}

function focusForm() {
  const first = document.querySelector("#span-form select, #span-form input");
  if (first) first.focus();
}

function moveEdge(edge, dir) {
  const item = selected();
  if (!item) return;
  const next = step(S.cp, S.tokens, item[edge], dir, edge, S.subToken);
  const start = edge === "start" ? next : item.start;
  const end = edge === "end" ? next : item.end;
  if (start >= end) return;
  setOffsets(item, start, end);
}

function setOffsets(item, start, end) {
  const layer = S.sel.layer;
  const id = item.id;
  commit(doc => {
    const target = doc[layer].find(x => x.id === id);
    Object.assign(target, { start, end, text: S.cp.slice(start, end) });
  });
}

function deleteSelected() {
  const item = selected();
  if (!item) return;
  const { layer, id } = S.sel;
  S.sel = null;
  commit(doc => {
    doc[layer] = doc[layer].filter(x => x.id !== id);
    for (const [refLayer, field] of S.labels.references) {
      for (const x of doc[refLayer]) if (x[field] === id) x[field] = field.endsWith("_point") ? undefined : null;
    }
  });
}

function setField(field, value) {
  const item = selected();
  if (!item) return;
  const { layer, id } = S.sel;
  if (field === LABEL_FIELD[layer] && layer !== "dates") S.lastLabel[layer] = value;
  commit(doc => {
    const target = doc[layer].find(x => x.id === id);
    if (value === undefined) delete target[field];
    else target[field] = value;
    if (layer === "claims" && field === "quotation" && value) {
      const q = doc.quotations.find(x => x.id === value);
      if (q) target.claimant = q.speaker;  // a claim made in a quotation is its speaker's (validator rule)
    }
  });
}

// --- the text ---------------------------------------------------------------------------------------

function visibleSuggestions() {
  if (!$("show-suggestions").checked || !S.ctx) return [];
  const out = [];
  for (const layer of LAYERS) {
    for (const s of S.ctx.suggestions[layer] || []) {
      if (!S.rejected.has(suggestionKey(layer, s)) && !isInGold(S.doc, layer, s)) out.push({ layer, s });
    }
  }
  return out;
}

function suggestionKey(layer, s) {
  return `${layer}:${s.start}:${s.end}:${s[LABEL_FIELD[layer]]}`;
}

/** The editable text: the document with its suggestions, selection, keyboard range and problems marked. */
function drawEditor() {
  renderText($("text"), S.doc, S.cp, {
    suggestions: visibleSuggestions(), selected: selected(), keyboard: keyboardRange(),
    problems: new Set(S.problems.map(p => p.spanKey).filter(Boolean)),
  });
}

/** The keyboard selection as offsets (whole tokens), or null. */
function keyboardRange() {
  if (!S.ksel || !S.tokens.length) return null;
  const lo = Math.min(S.ksel.anchor, S.ksel.caret);
  const hi = Math.max(S.ksel.anchor, S.ksel.caret);
  return [S.tokens[lo][0], S.tokens[hi][1]];
}

function onMouseUp() {
  const selection = window.getSelection();
  const container = $("text");
  if (!selection.rangeCount || selection.isCollapsed) return;
  const range = selection.getRangeAt(0);
  if (!container.contains(range.startContainer) || !container.contains(range.endContainer)) return;
  const start = pointToOffset(container, range.startContainer, range.startOffset);
  const end = pointToOffset(container, range.endContainer, range.endOffset);
  selection.removeAllRanges();
  if (start !== null && end !== null && start !== end) {
    S.selectedByMouse = true;  // the click that follows this mouseup must not select another span
    createFromRange(Math.min(start, end), Math.max(start, end));
  }
}

function onTextClick(event) {
  if (S.selectedByMouse) {
    S.selectedByMouse = false;
    return;
  }
  const seg = event.target.closest && event.target.closest(".seg");
  if (!seg || !window.getSelection().isCollapsed) return;
  const a = Number(seg.dataset.s);
  const b = Number(seg.dataset.e);
  const cover = covering(S.doc, a, b);
  if (S.pick) {
    const want = S.pick.target;
    const hit = cover.filter(c => c.layer === want).sort((x, y) => (x.item.end - x.item.start) - (y.item.end - y.item.start))[0];
    if (hit && !["source", "cue", "dateline"].includes(S.pick.field)) {
      const pick = S.pick;
      S.pick = null;
      S.sel = { layer: pick.layer, id: pick.id };
      setField(pick.field, hit.item.id);
      return;
    }
    return;
  }
  const inLayer = cover.filter(c => c.layer === S.layer);
  const pool = inLayer.length ? inLayer : cover;
  if (!pool.length) { S.sel = null; render(); return; }
  pool.sort((x, y) => (x.item.end - x.item.start) - (y.item.end - y.item.start));
  // clicking again on a selected span cycles through the spans covering the point
  const index = pool.findIndex(c => S.sel && c.layer === S.sel.layer && c.item.id === S.sel.id);
  const hit = pool[(index + 1) % pool.length];
  S.sel = { layer: hit.layer, id: hit.item.id };
  setLayer(hit.layer, false);
  render();
}

function onTextKey(event) {
  const key = event.key;
  if (["1", "2", "3", "4"].includes(key) && !event.ctrlKey && !event.altKey) {
    setLayer(LAYERS[Number(key) - 1]);
    event.preventDefault();
    return;
  }
  if (S.sel && ["[", "]", "{", "}"].includes(key)) {
    moveEdge(key === "[" || key === "]" ? "start" : "end", key === "]" || key === "}" ? 1 : -1);
    event.preventDefault();
    return;
  }
  if ((key === "Delete" || key === "Backspace") && S.sel) { deleteSelected(); event.preventDefault(); return; }
  if (key === "Escape") { S.sel = null; S.ksel = null; S.pick = null; render(); return; }
  const moves = { ArrowRight: 1, ArrowLeft: -1, PageDown: 20, PageUp: -20, ArrowDown: 10, ArrowUp: -10 };
  if (key in moves || key === "Home" || key === "End") {
    if (!S.tokens.length) return;
    const last = S.tokens.length - 1;
    const caret = S.ksel ? S.ksel.caret : -1;
    let next = key === "Home" ? 0 : key === "End" ? last : caret + moves[key];
    next = Math.max(0, Math.min(last, caret < 0 && moves[key] < 0 ? 0 : next));
    S.ksel = { anchor: event.shiftKey && S.ksel ? S.ksel.anchor : next, caret: next };
    event.preventDefault();
    render();
    return;
  }
  if (key === "Enter" && S.ksel) {
    const [s, e] = keyboardRange();
    event.preventDefault();
    createFromRange(s, e);
    S.ksel = null;
    if (!S.sel) render();
  }
}

// --- drag handles on the selected span --------------------------------------------------------

function renderHandles() {
  const layer = $("handles");
  layer.replaceChildren();
  const item = selected();
  if (!item || S.view !== "annotate") return;
  const pane = document.querySelector(".text-pane").getBoundingClientRect();
  for (const edge of ["start", "end"]) {
    const range = rangeAt($("text"), item[edge]);
    if (!range) continue;
    const rects = range.getClientRects();
    const rect = rects[0] || range.getBoundingClientRect();
    const box = $("text").getBoundingClientRect();
    if (rect.bottom < box.top || rect.top > box.bottom) continue;  // scrolled out of the text box
    const handle = h("span", { class: `handle ${edge}`, title: `drag to move the ${edge}`, dataset: { edge } });
    // CSSOM, not a style attribute: the Content-Security-Policy forbids inline style attributes
    // a grip just below the line, so it never covers the characters being selected
    Object.assign(handle.style, { left: `${rect.left - pane.left - 4}px`, top: `${rect.bottom - pane.top - 1}px` });
    handle.addEventListener("pointerdown", event => startDrag(event, edge));
    layer.append(handle);
  }
}

function startDrag(event, edge) {
  event.preventDefault();
  const item = selected();
  if (!item) return;
  const original = { start: item.start, end: item.end };
  let current = { ...original };
  const move = e => {
    const offset = offsetFromPoint($("text"), e.clientX, e.clientY);
    if (offset === null) return;
    const range = edge === "start" ? [offset, original.end] : [original.start, offset];
    if (range[0] >= range[1]) return;
    const snapped = snap(S.cp, S.tokens, range[0], range[1], S.subToken);
    if (snapped) current = { start: snapped[0], end: snapped[1] };
  };
  const up = () => {
    window.removeEventListener("pointermove", move);
    window.removeEventListener("pointerup", up);
    if (current.start !== original.start || current.end !== original.end) setOffsets(selected(), current.start, current.end);
  };
  window.addEventListener("pointermove", move);
  window.addEventListener("pointerup", up);
}

// --- the side panel ---------------------------------------------------------------------------------

function setLayer(layer, rerender = true) {
  S.layer = layer;
  for (const radio of document.querySelectorAll("input[name=layer]")) radio.checked = radio.value === layer;
  if (rerender) render();
}

function select(label, id, options, value, onChange) {
  return h("label", {}, label, " ",
    h("select", { id, onchange: e => onChange(e.target.value) },
      options.map(([v, text]) => h("option", { value: v, selected: v === value }, text))));
}

function refOptions(layer, extra = []) {
  return [...extra, ...(S.doc[layer] || []).map(x => [x.id, `${x.id} ${x[LABEL_FIELD[layer]]} “${short(x.text, 30)}”`])];
}

function pickButton(field, target, text) {
  return h("button", {
    type: "button", id: `pick-${field}`, class: S.pick && S.pick.field === field ? "active" : "",
    onclick: () => {
      S.pick = { field, target, layer: S.sel.layer, id: S.sel.id };
      render();
      $("text").focus();
    },
  }, text);
}

function subSpanRow(item, field) {
  const sub = item[field];
  return h("div", { class: "row" }, h("span", { class: "k" }, field),
    sub ? h("span", { class: "v", id: `f-${field}-text` }, `“${sub.text}” (${sub.start}–${sub.end})`) : h("span", { class: "muted" }, "none"),
    pickButton(field, null, sub ? "reselect" : "select in text"),
    sub ? h("button", { type: "button", onclick: () => setField(field, null) }, "clear") : null);
}

function renderForm() {
  const box = $("span-form");
  const item = selected();
  if (!item) {
    box.replaceChildren(h("h2", {}, "No span selected"),
      h("p", { class: "muted" }, `Select text to create a span in ${S.layer}, or click a span to edit it.`));
    return;
  }
  const layer = S.sel.layer;
  const rows = [
    h("h2", {}, `${item.id} · ${layer}`),
    h("p", { class: "span-text", id: "f-text" }, item.text),
    h("div", { class: "row muted" }, `offsets ${item.start}–${item.end}`, " ",
      h("button", { type: "button", title: "start left ([)", onclick: () => moveEdge("start", -1) }, "◀ start"),
      h("button", { type: "button", title: "start right (])", onclick: () => moveEdge("start", 1) }, "start ▶"),
      h("button", { type: "button", title: "end left ({)", onclick: () => moveEdge("end", -1) }, "◀ end"),
      h("button", { type: "button", title: "end right (})", onclick: () => moveEdge("end", 1) }, "end ▶")),
  ];
  const L = S.labels;
  if (layer === "entities") {
    rows.push(select("Label", "f-label", L.entities.map(x => [x, x]), item.label, v => setField("label", v)));
    rows.push(h("label", {}, "Wikidata QID ", h("input", {
      id: "f-kb_id", value: item.kb_id || "", placeholder: "Q… (only when verified, §E12)",
      onchange: e => setField("kb_id", e.target.value.trim() || undefined),
    })));
  } else if (layer === "dates") {
    rows.push(select("TIMEX3 type", "f-type", L.dates.map(x => [x, x]), item.type, v => setField("type", v)));
    rows.push(h("label", {}, "Value ", h("input", {
      id: "f-value", value: item.value, onchange: e => setField("value", e.target.value.trim()),
    })));
    rows.push(h("div", { id: "timex-suggestion", class: "row" }, timexSuggestionView(item)));
    rows.push(select("Anchor", "f-anchor", refOptions("dates", [["", "none (absolute)"], ["dct", "dct (publication date)"]])
      .filter(([v]) => v !== item.id), item.anchor ?? "", v => setField("anchor", v || null)));
    rows.push(select("Mod", "f-mod", [["", "none"], ...L.mods.map(x => [x, x])], item.mod ?? "", v => setField("mod", v || undefined)));
    if (item.type === "DURATION") {
      for (const field of ["begin_point", "end_point"]) {
        rows.push(select(field.replace("_", " "), `f-${field}`, refOptions("dates", [["", "none"]]).filter(([v]) => v !== item.id),
          item[field] ?? "", v => setField(field, v || undefined)));
      }
    }
  } else if (layer === "quotations") {
    rows.push(select("Form", "f-form", L.quotations.map(x => [x, x]), item.form, v => setField("form", v)));
    rows.push(subSpanRow(item, "source"), subSpanRow(item, "cue"));
    rows.push(h("div", { class: "row" }, select("Speaker", "f-speaker", refOptions("entities", [["", "none"]]), item.speaker ?? "",
      v => setField("speaker", v || null)), pickButton("speaker", "entities", "click an entity")));
  } else if (layer === "claims") {
    const cw = item.checkworthy === true ? "true" : item.checkworthy === false ? "false" : "";
    rows.push(select("Check-worthy", "f-checkworthy", [["", "undecided"], ["true", "yes"], ["false", "no"]], cw,
      v => setField("checkworthy", v === "" ? null : v === "true")));
    rows.push(select("Type", "f-type", L.claims.map(x => [x, x]), item.type, v => setField("type", v)));
    rows.push(h("div", { class: "row" }, select("Claimant", "f-claimant", refOptions("entities", [["", "the author"]]),
      item.claimant ?? "", v => setField("claimant", v || null)), pickButton("claimant", "entities", "click an entity")));
    rows.push(h("div", { class: "row" }, select("Quotation", "f-quotation", refOptions("quotations", [["", "none"]]),
      item.quotation ?? "", v => setField("quotation", v || null)), pickButton("quotation", "quotations", "click a quotation")));
  }
  rows.push(h("label", {}, "Note ", h("textarea", {
    id: "f-note", rows: 2, value: item.note || "", onchange: e => setField("note", e.target.value || undefined),
  })));
  if (item.provenance) rows.push(h("p", { class: "muted" }, `from ${item.provenance.kind} ${item.provenance.name} ${item.provenance.version || ""}`));
  rows.push(h("button", { type: "button", id: "f-delete", class: "danger", onclick: deleteSelected }, "Delete span"));
  box.replaceChildren(...rows);
}

function timexSuggestionView(item) {
  const t = S.timex && S.timex.key === `${item.id}:${item.text}` ? S.timex.suggestion : undefined;
  if (t === undefined) {
    suggestTimex(item, false);
    return [h("span", { class: "muted" }, "…")];
  }
  if (t === null) return [h("span", { class: "muted" }, "no suggested value for this text")];
  return [h("span", {}, `suggested: ${t.type} ${t.value}${t.anchor ? ` (anchor ${t.anchor})` : ""} — ${t.why} `),
    h("button", { type: "button", id: "f-use-suggestion", onclick: () => applyTimex(item.id, t) }, "use")];
}

async function suggestTimex(item, apply) {
  const key = `${item.id}:${item.text}`;
  if (S.timex && S.timex.key === key && S.timex.pending) {
    S.timex.apply = S.timex.apply || apply;
    return;
  }
  const request = { key, pending: true, suggestion: undefined, apply, before: item.value };
  S.timex = request;
  const anchor = item.anchor && item.anchor !== "dct" ? findById("dates", item.anchor)
    : [...S.doc.dates].filter(d => d.end <= item.start && d.id !== item.id).pop();
  const res = await api("POST", "/api/timex", {
    text: item.text, metadata: S.doc.metadata, anchor_value: anchor ? anchor.value : null, anchor_id: anchor ? anchor.id : null,
  });
  request.pending = false;
  request.suggestion = res.status === 200 ? res.data.suggestion : null;
  if (S.timex !== request) return;
  const now = findById("dates", item.id);
  // a value typed while the server answered is kept, committed or still in the field
  const untouched = now && now.value === request.before && !typingValueOf(item.id);
  if (request.apply && request.suggestion && untouched) {
    commitTyping();  // text typed in another field (a note) is not lost to the redraw
    applyTimex(item.id, request.suggestion);
  } else showTimexSuggestion(item.id);
}

/** Show the answer in the suggestion row of date ``id``'s form, if it is shown; the fields stay as they are. */
function showTimexSuggestion(id) {
  const row = $("timex-suggestion");
  const item = selected();
  if (row && item && S.sel.layer === "dates" && item.id === id) row.replaceChildren(...timexSuggestionView(item));
}

function applyTimex(id, t) {
  S.sel = { layer: "dates", id };
  commit(doc => {
    const d = doc.dates.find(x => x.id === id);
    if (d) Object.assign(d, { type: t.type, value: t.value, anchor: t.anchor });
  });
}

function renderGuidelines() {
  const box = $("guidelines");
  const item = selected();
  const layer = S.sel ? S.sel.layer : S.layer;
  const section = S.ctx.guidelines[layer];
  if (!section) { box.replaceChildren(); return; }
  const label = item ? item[LABEL_FIELD[layer]] : null;
  const plain = s => s.replace(/\*\*|`/g, "");
  const mentions = rule => label && new RegExp(`(^|[^A-Za-z_])${label}([^A-Za-z_]|$)`).test(`${rule.title} ${rule.text}`);
  const rules = section.rules.filter(mentions);
  const shown = rules.length ? rules : section.rules;
  const description = S.labels.descriptions[layer][LABEL_FIELD[layer]];
  box.replaceChildren(
    h("h2", {}, `Guidelines: ${section.title}`, label ? ` — ${label}` : ""),
    h("p", { class: "muted" }, plain(description || "")),
    ...shown.map(rule => h("p", { class: "rule" }, h("b", {}, `${rule.id} ${rule.title}. `), plain(rule.text))),
  );
}

function renderProblems() {
  const box = $("problems");
  if (!S.problems.length) { box.replaceChildren(); return; }
  box.replaceChildren(h("h2", { class: "bad" }, `Not saved: ${S.problems.length} problem(s)`),
    h("ul", {}, S.problems.map(p => h("li", {},
      p.spanKey ? h("button", {
        type: "button", class: "link", onclick: () => showSpan(...p.spanKey.split(":")),
      }, p.pointer) : h("code", {}, p.pointer || "/"),
      ` ${p.code}: ${p.message}`))));
}

function renderSuggestions() {
  const box = $("suggestions");
  const all = visibleSuggestions();
  const total = LAYERS.reduce((n, layer) => n + (S.ctx.suggestions[layer] || []).length, 0);
  if (!total) { box.replaceChildren(); return; }
  const here = all.filter(x => x.layer === S.layer);
  box.replaceChildren(
    h("h2", {}, `Suggestions (${all.length} open)`),
    h("p", {}, `${S.layer}: ${here.length} `,
      h("button", { type: "button", id: "accept-layer", disabled: !here.length, onclick: () => acceptAll(here) }, "accept all"),
      " ", h("button", { type: "button", id: "reject-layer", disabled: !here.length, onclick: () => rejectAll(here) }, "reject all")),
    h("ul", { class: "sugg-list" }, here.map(({ layer, s }) => h("li", { dataset: { key: suggestionKey(layer, s) } },
      h("b", {}, String(s[LABEL_FIELD[layer]])), ` “${short(s.text, 40)}” `,
      s.provenance ? h("span", { class: "muted" }, `${s.provenance.name}${s.confidence != null ? ` ${Number(s.confidence).toFixed(2)}` : ""} `) : null,
      h("button", { type: "button", class: "accept", onclick: () => acceptAll([{ layer, s }]) }, "accept"), " ",
      h("button", { type: "button", class: "reject", onclick: () => rejectAll([{ layer, s }]) }, "reject")))),
  );
}

function acceptAll(list) {
  commit(doc => {
    for (const { layer, s } of list) {
      if (isInGold(doc, layer, s)) continue;
      doc[layer].push(acceptSuggestion(doc, S.ctx.suggestions, layer, s, S.labels));
      renumber(doc, S.labels);  // later suggestions may refer to this one
    }
  });
}

function rejectAll(list) {
  for (const { layer, s } of list) S.rejected.add(suggestionKey(layer, s));
  render();
}

/** Select a span and scroll the text to it. */
function showSpan(layer, id) {
  S.sel = { layer, id };
  setLayer(layer);
  const piece = document.querySelector("#text .seg.selected");
  if (piece) piece.scrollIntoView({ block: "center" });
  requestAnimationFrame(renderHandles);
}

function renderSpanList() {
  const box = $("span-list");
  const items = S.doc[S.layer] || [];
  box.replaceChildren(h("h2", {}, `${S.layer} (${items.length})`),
    h("table", { class: "table" }, h("tbody", {}, items.map(item => h("tr", { class: S.sel && S.sel.layer === S.layer && S.sel.id === item.id ? "current" : "" },
      h("td", {}, h("button", { type: "button", class: "link", onclick: () => showSpan(S.layer, item.id) }, item.id)),
      h("td", {}, String(item[LABEL_FIELD[S.layer]])),
      h("td", {}, short(item.text, 50)))))));
}

// --- metadata -----------------------------------------------------------------------------------------

function renderMetadata() {
  const form = $("metadata-form");
  const m = S.doc.metadata || {};
  const a = S.doc.annotation || {};
  const p = m.published || {};
  const nullable = v => (v.trim() === "" ? null : v.trim());
  const setMeta = (path, value) => commit(doc => {
    let target = doc;
    for (const key of path.slice(0, -1)) target = target[key];
    target[path[path.length - 1]] = value;
  });
  const input = (label, id, value, path, convert = nullable, extra = {}) => h("label", {}, label, " ",
    h("input", { id, value: value ?? "", onchange: e => setMeta(path, convert(e.target.value)), ...extra }));
  const list = v => v.split(",").map(x => x.trim()).filter(Boolean);
  form.replaceChildren(
    h("fieldset", {}, h("legend", {}, "Article"),
      input("Title", "m-title", m.title, ["metadata", "title"]),
      input("Publisher", "m-publisher", m.publisher, ["metadata", "publisher"]),
      input("URL", "m-url", m.url, ["metadata", "url"]),
      input("Language", "m-language", m.language, ["metadata", "language"], v => v.trim()),
      input("Licence", "m-license", m.license, ["metadata", "license"], v => v.trim() || "unknown"),
      select("Split", "m-split", S.labels.splits.map(x => [x, x]), m.split, v => setMeta(["metadata", "split"], v)),
      h("div", { class: "row" }, h("span", { class: "k" }, "Dateline"),
        m.dateline ? h("span", { id: "m-dateline" }, `“${m.dateline.text}” (${m.dateline.start}–${m.dateline.end})`) : h("span", { class: "muted" }, "none"),
        h("button", { type: "button", id: "m-dateline-pick", onclick: () => { S.pick = { field: "dateline" }; showView("annotate"); $("text").focus(); } }, "select in text"),
        m.dateline ? h("button", { type: "button", onclick: () => setMeta(["metadata", "dateline"], null) }, "clear") : null)),
    h("fieldset", {}, h("legend", {}, "Publication date (or the bounds the evidence gives)"),
      input("Date", "m-date", p.date, ["metadata", "published", "date"], nullable, { placeholder: "YYYY-MM-DD" }),
      input("Earliest", "m-earliest", p.earliest, ["metadata", "published", "earliest"], nullable, { placeholder: "YYYY-MM-DD" }),
      input("Latest", "m-latest", p.latest, ["metadata", "published", "latest"], nullable, { placeholder: "YYYY-MM-DD" }),
      h("ol", {}, (p.evidence || []).map((ev, i) => h("li", {},
        h("label", {}, "Fact ", h("textarea", { rows: 2, value: ev.fact, onchange: e => setMeta(["metadata", "published", "evidence", i, "fact"], e.target.value) })),
        h("label", {}, "Source ", h("input", { value: ev.source, onchange: e => setMeta(["metadata", "published", "evidence", i, "source"], e.target.value) })),
        h("button", { type: "button", onclick: () => commit(doc => doc.metadata.published.evidence.splice(i, 1)) }, "remove")))),
      h("button", { type: "button", id: "m-add-evidence", onclick: () => commit(doc => doc.metadata.published.evidence.push({ fact: "", source: "" })) }, "add evidence")),
    h("fieldset", {}, h("legend", {}, "Annotation"),
      select("Status", "m-status", S.labels.statuses.map(x => [x, x]), a.status, v => setMeta(["annotation", "status"], v)),
      input("Annotators (comma-separated)", "m-annotators", (a.annotators || []).join(", "), ["annotation", "annotators"], list),
      input("Reviewers (comma-separated)", "m-reviewers", (a.reviewers || []).join(", "), ["annotation", "reviewers"], list),
      h("p", { class: "muted" }, `guidelines ${a.guidelines_version} · created ${a.created} · modified ${a.modified} (set on save)`),
      h("label", {}, "Notes ", h("textarea", { id: "m-notes", rows: 3, value: a.notes || "", onchange: e => setMeta(["annotation", "notes"], e.target.value || undefined) }))),
  );
}

// --- saving, problems and conflicts ----------------------------------------------------------------------

async function save() {
  if (!S.doc) return;
  commitTyping();  // Ctrl+S in a field saves what is typed there
  const sent = clone(S.doc);
  const path = S.saveTarget === "gold" ? `/api/adjudication/${encodeURIComponent(S.id)}` : `/api/documents/${encodeURIComponent(S.id)}`;
  setState("saving…");
  const res = await api("PUT", path, sent, { "If-Match": S.etag });
  commitTyping();  // typed while the save was on its way: an edit made meanwhile
  if (res.status === 200) {
    const editedMeanwhile = JSON.stringify(S.doc) !== JSON.stringify(sent);
    if (!editedMeanwhile) S.doc = res.data.document;  // else the edits made meanwhile stay, not saved yet
    S.etag = res.data.etag;
    S.savedJson = JSON.stringify(res.data.document);
    S.problems = [];
    setState(`saved ✓ ${res.data.file}${editedMeanwhile ? " — edits made while saving are not saved yet" : ""}`, "good");
  } else if (res.status === 422) {
    S.problems = res.data.errors.map(p => {
      const at = pointerSpan(p.pointer);
      const item = at && sent[at.layer] && sent[at.layer][at.index];
      return { ...p, spanKey: item ? `${at.layer}:${item.id}` : null };
    });
    setState(`not saved: ${S.problems.length} problem(s) — the file is unchanged`, "bad");
  } else if (res.status === 409) {
    showConflict(sent, res.data.current, res.data.etag);
    setState("not saved: the document changed on disk — see both versions", "bad");
  } else {
    setState(`not saved: ${res.data?.errors?.[0]?.message || res.status}`, "bad");
  }
  render();
}

function spanKeyOf(layer, s) {
  return `${layer}:${s.start}:${s.end}:${s[LABEL_FIELD[layer]]}`;
}

function conflictColumn(doc, other) {
  const otherKeys = new Set(LAYERS.flatMap(layer => (other[layer] || []).map(s => spanKeyOf(layer, s))));
  const metaDiffers = JSON.stringify(doc.metadata) !== JSON.stringify(other.metadata);
  return [
    h("p", { class: metaDiffers ? "diff" : "" }, `status ${doc.annotation?.status} · modified ${doc.annotation?.modified}`,
      metaDiffers ? " · metadata differs" : ""),
    ...LAYERS.map(layer => h("div", {}, h("h4", {}, `${layer} (${(doc[layer] || []).length})`),
      h("ul", {}, (doc[layer] || []).map(s => h("li", { class: otherKeys.has(spanKeyOf(layer, s)) ? "" : "diff" },
        `${s.id} ${s[LABEL_FIELD[layer]]} “${short(s.text, 40)}”`))))),
  ];
}

function showConflict(mine, theirs, etag) {
  S.conflict = { mine, theirs, etag };
  $("conflict-mine").replaceChildren(...conflictColumn(mine, theirs || {}));
  $("conflict-theirs").replaceChildren(...(theirs ? conflictColumn(theirs, mine) : [h("p", {}, "the file was deleted")]));
  $("conflict-json").value = JSON.stringify(mine, null, 2);
  $("conflict").hidden = false;
  $("conflict-keep-mine").focus();
}

function closeConflict() {
  $("conflict").hidden = true;
}

// --- adjudication ---------------------------------------------------------------------------------------

function fillAdjudicationChoices() {
  const names = S.ctx.annotators;
  for (const [id, index] of [["adj-a", 0], ["adj-b", 1]]) {
    $(id).replaceChildren(...names.map(n => h("option", { value: n }, n)));
    if (names[index]) $(id).value = names[index];
  }
  $("adj-build").disabled = true;
  $("adj-table").tBodies[0].replaceChildren();
}

async function compareAnnotators() {
  const a = $("adj-a").value;
  const b = $("adj-b").value;
  const res = await api("GET", `/api/adjudication/${encodeURIComponent(S.id)}?a=${encodeURIComponent(a)}&b=${encodeURIComponent(b)}`);
  if (res.status !== 200) { $("adj-state").textContent = res.data?.errors?.[0]?.message || String(res.status); return; }
  S.adj = { ...res.data, choices: {} };
  if (res.data.problems.length) {
    $("adj-state").textContent = `${res.data.problems.length} validation problem(s): ${res.data.problems.map(p => `${p.file}${p.pointer} ${p.code}`).join("; ")}`;
    return;
  }
  $("adj-a-name").textContent = `A: ${a} (${res.data.a.file})`;
  $("adj-b-name").textContent = `B: ${b} (${res.data.b.file})`;
  renderAdjudication();
}

function renderAdjudication() {
  const adj = S.adj;
  if (!adj) return;
  const marks = { a: new Set(), b: new Set() };
  adj.disagreements.forEach(d => {
    if (d.a_id) marks.a.add(`${d.layer}:${d.a_id}`);
    if (d.b_id) marks.b.add(`${d.layer}:${d.b_id}`);
  });
  renderText($("adj-a-text"), adj.a.document, S.cp, { highlight: marks.a });
  renderText($("adj-b-text"), adj.b.document, S.cp, { highlight: marks.b });
  const rows = adj.disagreements.map((d, i) => h("tr", { dataset: { index: i } },
    h("td", {}, String(i + 1)), h("td", {}, d.layer), h("td", {}, d.kind + (d.attribute ? ` (${d.attribute})` : "")),
    h("td", {}, d.message),
    h("td", { class: "choices" }, ["left", "right", "edit"].map(choice => h("label", {},
      h("input", { type: "radio", name: `adj-${i}`, value: choice, checked: adj.choices[i] === choice,
        onchange: () => { adj.choices[i] = choice; updateBuild(); } }), ` ${choice} `)))));
  $("adj-table").tBodies[0].replaceChildren(...rows);
  $("adj-state").textContent = adj.disagreements.length
    ? `${adj.disagreements.length} disagreement(s): decide each (left = A, right = B, edit = A, then edit it in gold)`
    : "no disagreement: the gold is A";
  updateBuild();
}

function updateBuild() {
  const adj = S.adj;
  $("adj-build").disabled = !adj || adj.disagreements.some((_, i) => !adj.choices[i]);
}

async function buildGold() {
  const adj = S.adj;
  const choices = {};
  adj.disagreements.forEach((_, i) => { choices[i] = adj.choices[i] === "right" ? "right" : "left"; });
  const res = await api("POST", `/api/adjudication/${encodeURIComponent(S.id)}/merge`, {
    a: adj.a.name, b: adj.b.name, a_etag: adj.a.etag, b_etag: adj.b.etag, choices,
  });
  if (res.status !== 200) { $("adj-state").textContent = res.data?.errors?.[0]?.message || String(res.status); return; }
  S.history.push(clone(S.doc));
  S.doc = res.data.document;
  S.etag = adj.gold_etag;
  S.saveTarget = "gold";
  S.sel = null;
  S.problems = [];
  S.editList = adj.disagreements.map((d, i) => ({ d, i })).filter(({ i }) => adj.choices[i] === "edit").map(({ d }) => {
    const a = adj.a.document[d.layer].find(x => x.id === d.a_id);
    const gold = a && S.doc[d.layer].find(x => x.start === a.start && x.end === a.end);
    return gold ? { layer: d.layer, id: gold.id, message: d.message } : null;
  }).filter(Boolean);
  const banner = $("banner");
  banner.replaceChildren(
    h("b", {}, `Adjudicated gold of ${adj.a.name} and ${adj.b.name} — not saved yet. `),
    `Save writes ${adj.gold_file} with status adjudicated.`,
    ...S.editList.map(e => [" ", h("button", { type: "button", class: "link", onclick: () => showSpan(e.layer, e.id) }, `edit ${e.id}`)]).flat(),
  );
  banner.hidden = false;
  setState("gold built from the choices: not saved yet", "");
  showView("annotate");
}

// --- views and rendering ----------------------------------------------------------------------------------

function showView(view) {
  S.view = view;
  for (const name of ["annotate", "metadata", "adjudicate"]) {
    $(`view-${name}`).hidden = name !== view;
    $(`tab-${name}`).setAttribute("aria-selected", String(name === view));
  }
  render();
}

function render() {
  if (!S.doc) return;
  const active = document.activeElement;
  const focused = active && active.id;
  // the caret or selection of a text field, an end at the end of the text kept at the end (select-all stays all)
  const caret = active && isTextField(active)
    ? [active.selectionStart, active.selectionEnd === active.value.length ? Infinity : active.selectionEnd] : null;
  const dirty = JSON.stringify(S.doc) !== S.savedJson;
  $("save").textContent = dirty ? "Save *" : "Save";
  $("undo").disabled = !S.history.length;
  $("redo").disabled = !S.future.length;
  const hint = $("pick-hint");
  hint.hidden = !S.pick;
  if (S.pick) {
    const what = S.pick.target ? `click ${S.pick.target === "entities" ? "an entity" : `a span of ${S.pick.target}`}` : "select the text";
    hint.textContent = `${what} for ${S.pick.field} (Esc cancels)`;
  }
  if (S.view === "annotate") {
    drawEditor();
    renderForm();
    renderGuidelines();
    renderProblems();
    renderSuggestions();
    renderSpanList();
    requestAnimationFrame(renderHandles);
  } else if (S.view === "metadata") {
    renderMetadata();
  } else {
    renderAdjudication();
  }
  const again = focused && $(focused);
  if (again && document.activeElement !== again) {
    again.focus();
    if (caret && isTextField(again)) again.setSelectionRange(caret[0], Math.min(caret[1], again.value.length));
  }
}

// --- wiring -----------------------------------------------------------------------------------------

function wire() {
  $("doc-select").addEventListener("change", e => openDocument(e.target.value));
  for (const tab of document.querySelectorAll("[role=tab]")) tab.addEventListener("click", () => showView(tab.dataset.view));
  for (const radio of document.querySelectorAll("input[name=layer]")) radio.addEventListener("change", () => setLayer(radio.value));
  $("subtoken").addEventListener("change", e => { S.subToken = e.target.checked; });
  $("show-suggestions").addEventListener("change", render);
  $("save").addEventListener("click", save);
  document.addEventListener("input", e => { if (isTextField(e.target)) S.typing = e.target; }, true);
  document.addEventListener("change", e => { if (S.typing === e.target) S.typing = null; }, true);
  $("undo").addEventListener("click", undo);
  $("redo").addEventListener("click", redo);
  const text = $("text");
  document.addEventListener("mousedown", () => { S.selectedByMouse = false; });
  document.addEventListener("mouseup", onMouseUp);  // a drag may end outside the text (onMouseUp checks the range)
  text.addEventListener("click", onTextClick);
  text.addEventListener("keydown", onTextKey);
  text.addEventListener("scroll", () => requestAnimationFrame(renderHandles));
  $("adj-compare").addEventListener("click", compareAnnotators);
  $("adj-build").addEventListener("click", buildGold);
  $("conflict-keep-mine").addEventListener("click", async () => {
    S.doc = S.conflict.mine;
    S.etag = S.conflict.etag;
    closeConflict();
    await save();
  });
  $("conflict-take-theirs").addEventListener("click", () => {
    S.history.push(clone(S.doc));
    S.doc = S.conflict.theirs;
    S.etag = S.conflict.etag;
    S.savedJson = JSON.stringify(S.doc);
    S.sel = null;
    closeConflict();
    setState("took the version on disk (Undo brings yours back)");
    render();
  });
  $("conflict-close").addEventListener("click", closeConflict);
  window.addEventListener("resize", () => requestAnimationFrame(renderHandles));
  window.addEventListener("keydown", e => {
    const inField = ["INPUT", "TEXTAREA", "SELECT"].includes(document.activeElement?.tagName);
    const mod = e.ctrlKey || e.metaKey;
    if (mod && e.key.toLowerCase() === "s") { e.preventDefault(); save(); }
    else if (mod && !inField && e.key.toLowerCase() === "z") { e.preventDefault(); (e.shiftKey ? redo : undo)(); }
    else if (mod && !inField && e.key.toLowerCase() === "y") { e.preventDefault(); redo(); }
  });
  window.addEventListener("beforeunload", e => { if (S.doc && JSON.stringify(S.doc) !== S.savedJson) e.preventDefault(); });
}

wire();
start();
