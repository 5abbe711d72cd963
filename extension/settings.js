// The extension's settings (chrome.storage.sync) and its cached live list (chrome.storage.local).
import { PACKED_SERVER } from "./defaults.js";

/** The streamtide server the board reads from: the one the user chose, else the one this package
 *  was packed for; null when there is neither (the first run shows the onboarding). */
export async function getServer() {
  const { server } = await chrome.storage.sync.get("server");
  return normaliseServer(server) || normaliseServer(PACKED_SERVER);
}

export async function setServer(url) {
  const server = normaliseServer(url);
  if (!server) throw new Error("not an https URL");
  await chrome.storage.sync.set({ server });
  // A list from another server is not this one's, nor what was live there (the next go-live
  // check starts afresh and announces nothing already live).
  await chrome.storage.local.remove(["liveCache", "notifyState"]);
  return server;
}

const LOOPBACK = /^(127(\.\d{1,3}){3}|localhost|\[::1\])$/i;

/** "host:port" or a URL → "https://host:port" without a trailing slash; null if invalid. Plain
 *  http only for a server on this computer: anything else would travel readable by anyone. */
export function normaliseServer(raw) {
  if (!raw) return null;
  let text = String(raw).trim();
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    const host = text.split(/[/:]/)[0];
    text = `${LOOPBACK.test(host) ? "http" : "https"}://${text}`;
  }
  try {
    const url = new URL(text);
    if (url.protocol === "https:") return url.origin;
    if (url.protocol === "http:" && LOOPBACK.test(url.hostname)) return url.origin;
    return null;
  } catch (_) {
    return null;
  }
}

/** Ask for access to `server` if this package does not have it yet (extension pages read other
 *  origins with a host permission; the server's CORS also allows extension origins). Must run
 *  inside a click. Resolves false only when the user said no. */
export async function requestAccess(server) {
  const origins = [`${server}/*`];
  if (!chrome.permissions || !chrome.permissions.request) return true;
  try {
    if (await chrome.permissions.contains({ origins })) return true;
    return await chrome.permissions.request({ origins });
  } catch (_) {
    // Not an optional permission of this package (e.g. packed for another server): CORS decides.
    return true;
  }
}

/** Whether `server` answers like a streamtide server: null if so, else the reason. */
export async function probe(server) {
  let res;
  try {
    res = await fetch(`${server}/api/v1/live?limit=1`, { headers: { Accept: "application/json" }, credentials: "omit" });
  } catch (_) {
    return { kind: "unreachable" };
  }
  let body = null;
  try {
    body = await res.json();
  } catch (_) {
    /* not JSON */
  }
  if (!res.ok || !body || !Array.isArray(body.items)) {
    return { kind: "notStreamtide", message: res.ok ? "no live list" : `HTTP ${res.status}` };
  }
  return null;
}

/** The board's cache, kept in chrome.storage.local. */
export const liveCache = {
  async load() {
    const { liveCache: snap } = await chrome.storage.local.get("liveCache");
    return snap || null;
  },
  async save(snapshot) {
    await chrome.storage.local.set({ liveCache: snapshot });
  },
};
