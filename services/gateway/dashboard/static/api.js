/* lienthong dashboard — the gateway's JSON API: fetching with a timeout, and the poll loop.
 *
 * Each source (endpoint) is fetched on its own: one failing shows "n/a" in its panels and
 * leaves the others alone. A source is { url, panels: { panelName: render(body) } }.
 */

import { findIn } from "./dom.js";

const POLL_MS = 2000;
const TIMEOUT_MS = 5000;
const KEY_STORE = "lienthong.apiKey";

/** An answer that lacks what a panel needs: the panel shows n/a, nothing is logged. */
export class Unavailable extends Error {}

// ------------------------------------------------------------------ credentials
//
// With credentials on, every API call needs a key: the page asks for it once (the form in the
// header shows on the first 401, and polling waits for it) and keeps it in this browser's
// localStorage, sending it as a Bearer token. With credentials off no answer is a 401 and the
// form never shows.

function storedKey() {
  try {
    return localStorage.getItem(KEY_STORE) || "";
  } catch {
    return "";  // storage refused (private mode): the key is asked for again
  }
}

function keyHeaders() {
  const key = storedKey();
  return key ? { authorization: `Bearer ${key}` } : {};
}

function keyForm() {
  return document.querySelector('[data-testid="auth-form"]');
}

/** Wire the key form: a submitted key is stored and every panel polled again at once. */
export function setUpKeyForm() {
  const form = keyForm();
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const key = form.elements.key.value.trim();
    if (!key) return;
    try {
      localStorage.setItem(KEY_STORE, key);
    } catch {
      return;
    }
    form.hidden = true;
    form.reset();
    pollNow();
  });
}

/** GET (or `init`) a JSON answer; any failure, the timeout included, is Unavailable. */
export async function fetchJson(url, init = {}) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
  try {
    const response = await fetch(url, {
      ...init,
      signal: controller.signal,
      cache: "no-store",
      headers: { accept: "application/json", ...keyHeaders() },
    });
    const text = await response.text();
    if (response.status === 401) keyForm().hidden = false;
    if (!response.ok) throw new Unavailable(`HTTP ${response.status}`);
    return JSON.parse(text);
  } catch (error) {
    if (error.name === "AbortError") throw new Unavailable(`no answer in ${TIMEOUT_MS / 1000} s`);
    throw error instanceof Unavailable ? error : new Unavailable(error.message);
  } finally {
    clearTimeout(timer);
  }
}

// ------------------------------------------------------------------ panel and page state

/** A panel's state: "ok", or "n/a" with why — then each of its figures shows n/a too. */
function markPanel(panel, problem) {
  const section = document.querySelector(`[data-panel="${panel}"]`);
  const state = findIn(section, `panel-${panel}-state`);
  section.classList.toggle("unavailable", Boolean(problem));
  state.textContent = problem ? "n/a" : "ok";
  state.title = problem || "";
  if (!problem) return;
  for (const node of section.querySelectorAll("[data-value]")) {
    node.dataset.value = "";
    node.textContent = "n/a";
  }
  for (const node of section.querySelectorAll("[data-signature]")) delete node.dataset.signature;
  for (const node of section.querySelectorAll("[data-clear]")) node.replaceChildren();
}

/** Fetch one source and render its panels, each on its own; true when all rendered. */
async function pollSource(source) {
  let body;
  try {
    body = await fetchJson(source.url);
  } catch (error) {
    for (const panel of Object.keys(source.panels)) markPanel(panel, error.message);
    return false;
  }
  let ok = true;
  for (const [panel, render] of Object.entries(source.panels)) {
    try {
      render(body || {});
      markPanel(panel, null);
    } catch (error) {
      if (!(error instanceof Unavailable)) console.error(`dashboard: panel ${panel}`, error);
      markPanel(panel, error.message);
      ok = false;
    }
  }
  return ok;
}

function markUpdated(results) {
  const node = document.querySelector('[data-testid="last-updated"]');
  const failing = results.filter((ok) => !ok).length;
  const now = new Date();
  node.dataset.polls = String(Number(node.dataset.polls || 0) + 1);
  node.dataset.failing = String(failing);
  node.dateTime = now.toISOString();
  node.textContent = now.toLocaleTimeString("en-GB", { hourCycle: "h23" })
    + (failing ? ` · ${failing}/${results.length} nguồn lỗi · sources failing` : "");
}

// ------------------------------------------------------------------ the poll loop

const loop = {
  sources: [],
  before: async () => {},
  running: false,
  again: false,
  timer: 0,
};

/** Poll `sources` now and every 2 s; `before` is awaited at the start of each poll. */
export function startPolling(sources, before) {
  loop.sources = sources;
  loop.before = before;
  pollNow();
}

/** One poll of every source at once; the next starts 2 s after this one started. */
export async function pollNow() {
  if (loop.running) {
    loop.again = true;
    return;
  }
  clearTimeout(loop.timer);
  if (!keyForm().hidden) {  // waiting for a key: asking again would only be refused again
    loop.timer = setTimeout(pollNow, POLL_MS);
    return;
  }
  loop.running = true;
  const started = performance.now();
  try {
    await loop.before();
    markUpdated(await Promise.all(loop.sources.map(pollSource)));
  } finally {
    loop.running = false;
    const wait = loop.again ? 0 : Math.max(0, POLL_MS - (performance.now() - started));
    loop.again = false;
    loop.timer = setTimeout(pollNow, wait);
  }
}
