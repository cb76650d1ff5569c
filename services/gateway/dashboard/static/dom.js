/* lienthong dashboard — building the page: elements, figures and keyed table rows.
 *
 * Every figure is an element with a stable data-testid; its raw value is in data-value
 * (empty when unknown), its text is formatted for people.
 */

import { fmtCount } from "./format.js";

const SVG_NS = "http://www.w3.org/2000/svg";

/** An element with its attributes (null/undefined ones left out); "svg:…" is an SVG one. */
export function el(tag, attrs = {}, ...children) {
  const node = tag.startsWith("svg:")
    ? document.createElementNS(SVG_NS, tag.slice(4))
    : document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value !== undefined && value !== null) node.setAttribute(key, String(value));
  }
  node.append(...children);
  return node;
}

export function td(...children) {
  return el("td", {}, ...children);
}

// ------------------------------------------------------------------ figures

export function figure(testid, extraClass = "") {
  const attrs = { class: `figure ${extraClass}`.trim(), "data-testid": testid, "data-value": "" };
  return el("span", attrs, "…");
}

export function findIn(root, testid) {
  return root.querySelector(`[data-testid="${CSS.escape(testid)}"]`);
}

/** Show one value: null/undefined is "–" (not reported), anything else formatted. */
export function setFigure(node, value, format = fmtCount) {
  if (!node) return;
  const known = value !== null && value !== undefined;
  const raw = known ? String(value) : "";
  const text = known ? format(value) : "–";
  if (node.dataset.value !== raw || node.textContent !== text) {
    node.dataset.value = raw;
    node.textContent = text;
  }
}

export function setIn(root, testid, value, format = fmtCount) {
  setFigure(findIn(root, testid), value, format);
}

// ------------------------------------------------------------------ keyed rows

/** The row of `tbody` keyed `key`, built and appended the first time it is asked for. */
export function ensureRow(tbody, key, build) {
  let row = tbody.querySelector(`:scope > tr[data-key="${CSS.escape(key)}"]`);
  if (!row) {
    row = build();
    row.dataset.key = key;
    tbody.append(row);
  }
  return row;
}

/** Remove the rows whose key is not in `keep`. */
export function prune(tbody, keep) {
  for (const row of [...tbody.rows]) if (!keep.has(row.dataset.key)) row.remove();
}
