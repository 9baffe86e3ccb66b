// The text view: a document's spans drawn over its text, and DOM positions <-> code-point offsets.
import { LABEL_FIELD, LAYERS, boundaries, cpLength } from "./model.js";
import { h } from "./dom.js";

const LAYER_COLOURS = { dates: "#1565c0", quotations: "#2e7d32", claims: "#e65100" };
let entityLabels = [];

/** The entity labels, in the schema's order (the page reads them from the API): each gets its own hue. */
export function setEntityLabels(labels) {
  entityLabels = labels;
}

/** A colour per entity label: hues spread evenly over the schema's labels (unknown labels grey). */
function entityColour(label, alpha = 1) {
  const index = entityLabels.indexOf(label);
  if (index < 0) return `hsla(0, 0%, 40%, ${alpha})`;
  const hue = Math.round((index * 360) / entityLabels.length);
  return `hsla(${hue}, 70%, ${index % 2 ? 32 : 42}%, ${alpha})`;
}

/** Which items cover the piece [a, b) of a document. */
export function covering(doc, a, b) {
  const out = [];
  for (const layer of LAYERS) {
    for (const item of doc[layer] || []) if (item.start <= a && item.end >= b) out.push({ layer, item });
  }
  return out;
}

/**
 * Render ``doc`` over the text ``cp`` into ``container``: one piece per stretch between span boundaries,
 * underlines per covering span, chips at span starts. ``opts``: suggestions [{layer, s}], selected item,
 * keyboard [start, end], problems and highlight (sets of "layer:id").
 */
export function renderText(container, doc, cp, opts = {}) {
  const cuts = boundaries(doc);
  cuts.add(0); cuts.add(cp.length);
  const suggestions = opts.suggestions || [];
  for (const { s } of suggestions) { cuts.add(s.start); cuts.add(s.end); }
  const kselRange = opts.keyboard || null;
  if (kselRange) { cuts.add(kselRange[0]); cuts.add(kselRange[1]); }
  const points = [...cuts].filter(x => x >= 0 && x <= cp.length).sort((x, y) => x - y);
  const problemIds = opts.problems || new Set();
  const highlight = opts.highlight || new Set();
  const sel = opts.selected || null;
  const pieces = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const [a, b] = [points[i], points[i + 1]];
    const cover = covering(doc, a, b);
    const piece = h("span", { class: "seg", dataset: { s: a, e: b } }, cp.slice(a, b));
    const lines = [];
    const chips = [];
    const titles = [];
    for (const { layer, item } of cover) {
      const label = item[LABEL_FIELD[layer]];
      const colour = layer === "entities" ? entityColour(label) : LAYER_COLOURS[layer];
      lines.push(colour);
      titles.push(`${item.id} ${label}`);
      if (item.start === a) chips.push(`${item.id} ${label}`);
      if (layer === "entities") piece.style.backgroundColor = entityColour(label, 0.13);
      if (problemIds.has(`${layer}:${item.id}`)) piece.classList.add("problem");
      if (highlight.has(`${layer}:${item.id}`)) piece.classList.add("hl");
    }
    for (const q of doc.quotations || []) {
      for (const sub of ["source", "cue"]) {
        if (q[sub] && q[sub].start <= a && q[sub].end >= b) {
          piece.classList.add("sub", sub);
          titles.push(`${q.id} ${sub}`);
          if (q[sub].start === a) chips.push(`${q.id} ${sub}`);
        }
      }
    }
    if (lines.length) {
      piece.style.boxShadow = lines.map((c, k) => `inset 0 -${3 * (lines.length - k)}px 0 ${c}`).join(", ");
      piece.style.paddingBottom = `${3 * lines.length}px`;
    }
    if (chips.length) piece.dataset.chip = chips.join(" · ");
    if (titles.length) piece.title = titles.join("\n");
    if (suggestions.some(({ s }) => s.start <= a && s.end >= b)) piece.classList.add("sugg");
    if (sel && sel.start <= a && sel.end >= b) piece.classList.add("selected");
    if (kselRange && kselRange[0] <= a && kselRange[1] >= b) piece.classList.add("ksel");
    pieces.push(piece);
  }
  container.replaceChildren(...pieces);
}

/** Code-point offset of a DOM position inside a rendered text. */
export function pointToOffset(container, node, offset) {
  if (node.nodeType === Node.TEXT_NODE) {
    const seg = node.parentElement.closest(".seg");
    return Number(seg.dataset.s) + cpLength(node.data.slice(0, offset));
  }
  const el = node;
  if (el.classList && el.classList.contains("seg")) return offset === 0 ? Number(el.dataset.s) : Number(el.dataset.e);
  if (el === container) {
    const child = container.children[offset];
    const last = container.lastElementChild;
    return child ? Number(child.dataset.s) : last ? Number(last.dataset.e) : 0;
  }
  const seg = el.closest && el.closest(".seg");
  return seg ? Number(seg.dataset.s) : null;
}

/** A collapsed DOM Range at a code-point offset of a rendered text. */
export function rangeAt(container, offset) {
  for (const seg of container.children) {
    const s = Number(seg.dataset.s);
    const e = Number(seg.dataset.e);
    if (offset >= s && offset <= e) {
      const node = seg.firstChild;
      const range = document.createRange();
      let units = 0;
      let n = s;
      for (const ch of node.data) {
        if (n === offset) break;
        units += ch.length;
        n++;
      }
      range.setStart(node, units);
      range.collapse(true);
      return range;
    }
  }
  return null;
}

/** The code-point offset under a point of the screen inside ``container``, or null. */
export function offsetFromPoint(container, x, y) {
  let node = null;
  let offset = 0;
  if (document.caretPositionFromPoint) {
    const pos = document.caretPositionFromPoint(x, y);
    if (pos) ({ offsetNode: node, offset } = pos);
  } else if (document.caretRangeFromPoint) {
    const range = document.caretRangeFromPoint(x, y);
    if (range) { node = range.startContainer; offset = range.startOffset; }
  }
  if (!node || !container.contains(node)) return null;
  return pointToOffset(container, node, offset);
}
