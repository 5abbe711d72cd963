// The extension's settings (chrome.storage.sync) and its cached live list (chrome.storage.local).

export const DEFAULT_SERVER = "http://127.0.0.1:8080";

/** The streamtide server the board reads from. */
export async function getServer() {
  const { server } = await chrome.storage.sync.get({ server: DEFAULT_SERVER });
  return normaliseServer(server) || DEFAULT_SERVER;
}

export async function setServer(url) {
  const server = normaliseServer(url);
  if (!server) throw new Error("not an http(s) URL");
  await chrome.storage.sync.set({ server });
  // A list from another server is not this one's.
  await chrome.storage.local.remove("liveCache");
  return server;
}

/** "host:port" or a URL → "http(s)://host:port" without a trailing slash; null if invalid. */
export function normaliseServer(raw) {
  if (!raw) return null;
  let text = String(raw).trim();
  if (!/^https?:\/\//i.test(text)) text = `http://${text}`;
  try {
    const url = new URL(text);
    if (url.protocol !== "http:" && url.protocol !== "https:") return null;
    return url.origin;
  } catch (_) {
    return null;
  }
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
