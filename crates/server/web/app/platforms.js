// The platforms, from `GET /api/v1/platforms`: ids in display order, names in each UI language
// and badge colours. The page and the extension keep no list of their own, so a platform the
// server learns shows up here without a change to these files. The last answer is kept in
// localStorage so the board still names and colours its cached cards when the server is away.
import { el } from "./dom.js";
import { lang } from "./i18n.js";

const STORE_KEY = "streamtide.platforms";
let list = [];

function remember() {
  try {
    return JSON.parse(localStorage.getItem(STORE_KEY) || "null");
  } catch (_) {
    return null;
  }
}

/** Use `platforms` (the API's list): colours become `--platform-{id}` on the root element. */
function apply(platforms) {
  list = [...platforms].sort((a, b) => a.order - b.order);
  const style = document.documentElement.style;
  for (const p of list) {
    if (/^#[0-9a-fA-F]{6}$/.test(p.colour)) style.setProperty(`--platform-${p.id}`, p.colour);
  }
}

/** Ask the server for its platforms and keep the answer; null when it could not say. */
async function fetchAndKeep(api) {
  const body = await api.platforms();
  if (!body || !Array.isArray(body.platforms)) return null;
  try {
    localStorage.setItem(STORE_KEY, JSON.stringify(body.platforms));
  } catch (_) {
    /* storage full or unavailable: the answer still serves this page */
  }
  return body.platforms;
}

/**
 * The platforms for this page. With a kept answer the page draws at once from it (a cached
 * new tab must not wait for the network) and the fresh answer is applied when it comes (colours
 * at once, names from the next draw); without one it waits for the server.
 */
export async function loadPlatforms(api) {
  const fresh = fetchAndKeep(api).catch(() => null);
  const kept = remember();
  if (Array.isArray(kept) && kept.length > 0) {
    apply(kept);
    fresh.then((platforms) => platforms && apply(platforms));
    return list;
  }
  const platforms = await fresh;
  if (platforms) apply(platforms);
  return list;
}

/** Every platform id, in display order. */
export function platformIds() {
  return list.map((p) => p.id);
}

/** Every platform the server collects (all of them when it does not say). */
export function enabledPlatformIds() {
  return list.filter((p) => p.enabled !== false).map((p) => p.id);
}

/** The platform's name in the UI language (the id itself for a platform not listed). */
export function platformName(id) {
  const p = list.find((x) => x.id === id);
  if (!p) return String(id);
  return lang() === "ko" ? p.name_ko : p.name_en;
}

/** Give `node` the platform's colour as its `--badge` background; returns `node`. */
export function paint(node, id) {
  node.style.setProperty("--badge", `var(--platform-${id}, #444)`);
  node.dataset.platform = id;
  return node;
}

/** A badge naming the platform, in its colour. */
export function platformBadge(id) {
  return paint(el("span", { className: "badge" }, platformName(id)), id);
}
