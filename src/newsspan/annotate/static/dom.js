// Small DOM and HTTP helpers of the annotate page. Text is only ever put into the DOM as text.

const TOKEN = new URLSearchParams(location.search).get("token") || sessionStorage.getItem("newsspan-token") || "";
sessionStorage.setItem("newsspan-token", TOKEN);

/** An element with properties/attributes and children (strings become text nodes, never markup). */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key === "class") el.className = value;
    else if (key === "value" || (key in el && typeof value !== "string")) el[key] = value;
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}
export const $ = id => document.getElementById(id);
export const clone = value => JSON.parse(JSON.stringify(value));
export const short = (text, n = 60) => (text.length > n ? text.slice(0, n - 1) + "…" : text);

/** A request to the annotate API with the session token; the answer's status, ETag and JSON body. */
export async function api(method, path, body, headers = {}) {
  const init = { method, headers: { "X-Newsspan-Token": TOKEN, ...headers } };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const res = await fetch(path, init);
  let data = null;
  try { data = await res.json(); } catch { data = null; }
  return { status: res.status, etag: res.headers.get("ETag"), data };
}
