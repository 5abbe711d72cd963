// Small DOM helpers. Text always goes in through textContent, never as markup, so titles and
// names from the platforms can never inject HTML.

/**
 * Create an element. `attrs`: properties (className, href, …), `data-*`/`aria-*`/other attributes
 * by their name, `on*` listeners as functions. Children: nodes, strings, or null (skipped).
 */
export function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") {
      node.addEventListener(key.slice(2).toLowerCase(), value);
    } else if (key === "className" || key === "textContent" || key === "value" || key === "checked") {
      node[key] = value;
    } else if (key in node && !key.includes("-") && typeof value !== "boolean") {
      node[key] = value;
    } else {
      node.setAttribute(key, value === true ? "" : String(value));
    }
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(node, child);
    else node.append(child instanceof Node ? child : String(child));
  }
}

/** A labelled form control: `<div class="field"><label for=id>label</label>input</div>`. */
export function field(id, label, input, cls = "field") {
  return el("div", { className: cls }, el("label", { htmlFor: id }, label), input);
}

const SVG_NS = "http://www.w3.org/2000/svg";

/** Create an SVG element with attributes. */
export function svg(tag, attrs, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value !== null && value !== undefined) node.setAttribute(key, String(value));
  }
  append(node, children);
  return node;
}

/**
 * Only http(s) URLs: a stored URL is platform data, not trusted markup. CHZZK thumbnails carry a
 * `{type}` size placeholder.
 */
export function safeUrl(raw, size = "480") {
  if (!raw) return null;
  try {
    const url = new URL(String(raw).replace("{type}", size), "https://invalid.example/");
    if (url.host === "invalid.example") return null;
    return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
  } catch (_) {
    return null;
  }
}

/** A stable hue for a string (placeholder avatars and thumbnails). */
export function hue(text) {
  let h = 0;
  for (const ch of String(text)) h = (h * 31 + ch.codePointAt(0)) % 360;
  return h;
}
