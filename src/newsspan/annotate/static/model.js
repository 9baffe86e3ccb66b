// Pure functions of the annotate page: code-point text, token snapping, ids in text order, suggestions.
// Offsets are code points (Python str indices), end-exclusive, as in the files.

export const LAYERS = ["entities", "dates", "quotations", "claims"];
export const PREFIX = { entities: "e", dates: "d", quotations: "q", claims: "c" };
export const LABEL_FIELD = { entities: "label", dates: "type", quotations: "form", claims: "type" };

/** The text as an array of code points, with slice helpers. */
export class CpText {
  constructor(text) {
    this.chars = Array.from(text || "");
    this.length = this.chars.length;
  }
  slice(start, end) { return this.chars.slice(start, end).join(""); }
  isSpace(i) { return /\s/u.test(this.chars[i] || ""); }
}

/** Number of code points of a JS (UTF-16) string. */
export function cpLength(s) {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** Trim whitespace inside [start, end); null when nothing but whitespace is left. */
export function trim(cp, start, end) {
  while (start < end && cp.isSpace(start)) start++;
  while (end > start && cp.isSpace(end - 1)) end--;
  return start < end ? [start, end] : null;
}

/**
 * A selection [start, end) snapped outwards to whole tokens (tokens: sorted [s, e] pairs), or with
 * subToken only trimmed of whitespace. Null when the selection covers no token.
 */
export function snap(cp, tokens, start, end, subToken) {
  const trimmed = trim(cp, Math.min(start, end), Math.max(start, end));
  if (!trimmed || subToken || !tokens.length) return trimmed;
  let [s, e] = trimmed;
  const first = tokens.find(t => t[1] > s);
  const last = [...tokens].reverse().find(t => t[0] < e);
  if (!first || !last || first[0] >= e || last[1] <= s) return trimmed;
  return [Math.min(first[0], s), Math.max(last[1], e)];
}

/** The token boundary after (dir=1) or before (dir=-1) offset, for moving a span edge. */
export function step(cp, tokens, offset, dir, edge, subToken) {
  if (subToken || !tokens.length) return Math.max(0, Math.min(cp.length, offset + dir));
  const points = tokens.map(t => (edge === "start" ? t[0] : t[1]));
  if (dir > 0) return points.find(p => p > offset) ?? offset;
  return [...points].reverse().find(p => p < offset) ?? offset;
}

/**
 * Ids in text order per layer (guidelines §G3): sort by start, longer first; rewrite references.
 * Returns a map old id -> new id.
 */
export function renumber(doc, labels) {
  const map = {};
  for (const layer of LAYERS) {
    const items = doc[layer] || [];
    items.sort((a, b) => a.start - b.start || b.end - a.end);
    items.forEach((item, i) => {
      const fresh = PREFIX[layer] + (i + 1);
      if (item.id && !(item.id in map)) map[item.id] = fresh;
      item.__new = fresh;
    });
  }
  for (const layer of LAYERS) for (const item of doc[layer] || []) { item.id = item.__new; delete item.__new; }
  for (const [layer, field] of labels.references) {
    for (const item of doc[layer] || []) {
      const ref = item[field];
      if (typeof ref === "string" && ref !== "dct") item[field] = ref in map ? map[ref] : null;
    }
  }
  for (const date of doc.dates || []) {
    for (const field of ["begin_point", "end_point"]) if (field in date && date[field] == null) delete date[field];
  }
  return map;
}

/** A new item of a layer at [start, end) with the layer's default attributes. */
export function newItem(layer, cp, start, end, defaults) {
  const item = { id: "", start, end, text: cp.slice(start, end) };
  if (layer === "entities") item.label = defaults.label;
  if (layer === "dates") Object.assign(item, { type: "DATE", value: "XXXX-XX-XX", anchor: null });
  if (layer === "quotations") Object.assign(item, { form: defaults.form, source: null, cue: null, speaker: null });
  if (layer === "claims") Object.assign(item, { checkworthy: null, type: defaults.claimType, claimant: null, quotation: null });
  return item;
}

/** The span a JSON pointer of a validation problem lies in: {layer, index} or null. */
export function pointerSpan(pointer) {
  const m = /^\/(entities|dates|quotations|claims)\/(\d+)(?:\/|$)/.exec(pointer || "");
  return m ? { layer: m[1], index: Number(m[2]) } : null;
}

/** True when the gold layer already has this suggestion (same offsets and label). */
export function isInGold(doc, layer, s) {
  const field = LABEL_FIELD[layer];
  return (doc[layer] || []).some(g => g.start === s.start && g.end === s.end && g[field] === s[field]);
}

/**
 * A suggested span made gold: references (ids of the suggestion file) carried by offsets onto the
 * gold items at the same offsets, else null; provenance kept when the schema allows it; confidence dropped.
 */
export function acceptSuggestion(doc, suggestionDoc, layer, s, labels) {
  const item = JSON.parse(JSON.stringify(s));
  item.id = "";
  delete item.confidence;
  const allowed = new Set(labels.fields[layer]);
  for (const key of Object.keys(item)) if (!allowed.has(key)) delete item[key];
  for (const [refLayer, field, target] of labels.references) {
    if (refLayer !== layer || typeof item[field] !== "string" || item[field] === "dct") continue;
    const original = (suggestionDoc[target] || []).find(x => x.id === item[field]);
    const gold = original && (doc[target] || []).find(x => x.start === original.start && x.end === original.end);
    item[field] = gold ? gold.id : null;
  }
  return item;
}

/** Offsets of every item of every layer and sub-span, for segmenting the text. */
export function boundaries(doc) {
  const cuts = new Set();
  for (const layer of LAYERS) for (const s of doc[layer] || []) {
    cuts.add(s.start); cuts.add(s.end);
    for (const sub of ["source", "cue"]) if (s[sub]) { cuts.add(s[sub].start); cuts.add(s[sub].end); }
  }
  return cuts;
}
