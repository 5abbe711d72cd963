// Go-live notifications (opt-in on the options page): which of the user's favourites went live
// since the last check, and the notification that says so. The service worker (sw.js) runs
// `checkLive` from a one-minute chrome.alarms alarm; the options page turns it on and off.
//
// What is kept where:
// - chrome.storage.sync `notifyLive`: the user's choice (default off).
// - chrome.storage.local `favourites`: a copy of the board's favourites ({keys, names}); the board
//   keeps them in the extension's localStorage, which a service worker cannot read, so every
//   extension page that has the board's preferences writes this copy (`mirrorFavourites`).
// - chrome.storage.local `notifyState`: the favourites live at the last check and when it was, so
//   a restarted service worker (or browser) does not announce them again.
// - chrome.storage.local `notifications_log`: the last 50 notifications shown ({at, kind, id,
//   channels, names, title, message, url}), which the browser tests read (headless Chromium shows
//   none).
import { getServer } from "./settings.js";

export const ALARM = "streamtide-live-check";
/** Chrome runs alarms at most once a minute for a packed extension. */
export const PERIOD_MINUTES = 1;
/** More favourites than this going live at once get one summary instead of one each. */
export const MAX_SINGLE = 3;
/** A last check older than this (the computer slept, the browser was closed): one summary. */
export const STALE_MS = 10 * 60_000;
/** A favourite missing from one list (a platform's poll failed) and back soon after is the same
 *  broadcast, not a new one: it counts as live if seen this long before the last check. */
export const GRACE_MS = 5 * 60_000;
const LOG_KEY = "notifications_log";
const LOG_MAX = 50;
/** The server's bound on one curated list. */
const MAX_ITEMS = 5000;

const PLATFORM_NAMES = { chzzk: "CHZZK", soop: "SOOP", twitch: "Twitch", youtube: "YouTube" };

/** Whether the user turned notifications on. */
export async function notifyEnabled() {
  const { notifyLive } = await chrome.storage.sync.get("notifyLive");
  return notifyLive === true;
}

/** Write the board's favourites where the service worker reads them (`prefs` is app/prefs.js's). */
export async function mirrorFavourites(prefs) {
  const p = prefs.get();
  const names = {};
  for (const key of p.favourites) names[key] = prefs.nameOf(key);
  const next = { keys: [...p.favourites].sort(), names };
  const { favourites: prev } = await chrome.storage.local.get("favourites");
  if (JSON.stringify(prev) !== JSON.stringify(next)) await chrome.storage.local.set({ favourites: next });
}

/** The alarm exists exactly when notifications are on (alarms may not survive a browser restart,
 *  so the worker calls this whenever it starts). */
export async function syncAlarm() {
  const on = await notifyEnabled();
  const alarm = await chrome.alarms.get(ALARM);
  if (on && !alarm) await chrome.alarms.create(ALARM, { periodInMinutes: PERIOD_MINUTES, delayInMinutes: PERIOD_MINUTES });
  if (!on && alarm) await chrome.alarms.clear(ALARM);
}

/** Every live broadcast of a favourite in `items` (the live list), by favourite key. A
 *  simulcast is one item whose parts are on other platforms: a favourite part counts. */
export function liveFavourites(items, favKeys) {
  const favs = new Set(favKeys);
  const out = {};
  for (const item of items) {
    const own = { platform: item.platform, channel_id: item.channel_id, channel_name: item.channel_name, viewers: item.viewers, url: item.url };
    const parts = Array.isArray(item.simulcast) && item.simulcast.length ? item.simulcast : [own];
    for (const part of parts) {
      const key = `${part.platform}:${part.channel_id}`;
      if (!favs.has(key) || out[key]) continue;
      out[key] = {
        key,
        platform: part.platform,
        name: part.channel_name || item.channel_name,
        title: item.title,
        viewers: part.viewers ?? item.viewers,
        url: part.url || item.url,
      };
    }
  }
  return out;
}

/**
 * What to show after a check at `now`: `prev` is the stored state (null before the first check
 * since notifications were turned on), `live` the favourites live now (`liveFavourites`), `favKeys`
 * the favourites now. Returns the next state and the notifications: none on the first check
 * (what is live already is not news), none for a favourite added since the last check (its card
 * was on screen when it was starred), one each for up to MAX_SINGLE favourites that went live,
 * else, or when the last check is older than STALE_MS, one summary.
 */
export function decide(prev, live, favKeys, now) {
  const seen = {};
  if (prev) {
    // Still counted as live: seen at the last check, or shortly before it.
    for (const [key, at] of Object.entries(prev.live || {})) {
      if (at >= prev.at - GRACE_MS && favKeys.includes(key)) seen[key] = at;
    }
  }
  for (const key of Object.keys(live)) seen[key] = now;
  const state = { at: now, live: seen, favourites: [...favKeys] };
  if (!prev) return { state, notes: [] };
  const known = new Set(prev.favourites || []);
  const wentLive = Object.values(live).filter(
    (l) => known.has(l.key) && !(prev.live && prev.live[l.key] >= prev.at - GRACE_MS),
  );
  if (wentLive.length === 0) return { state, notes: [] };
  wentLive.sort((a, b) => (b.viewers || 0) - (a.viewers || 0));
  if (wentLive.length > MAX_SINGLE || now - prev.at > STALE_MS) {
    return { state, notes: [{ kind: "summary", lives: wentLive }] };
  }
  return { state, notes: wentLive.map((l) => ({ kind: "live", lives: [l] })) };
}

const korean = () => (chrome.i18n.getUILanguage() || "").toLowerCase().startsWith("ko");

/** The notification's text, in the browser's language (Korean or English). */
export function render(note, ko = korean()) {
  const fmt = new Intl.NumberFormat(ko ? "ko-KR" : "en-US");
  if (note.kind === "live") {
    const l = note.lives[0];
    const platform = PLATFORM_NAMES[l.platform] || l.platform;
    const viewers = ko ? `시청자 ${fmt.format(l.viewers || 0)}명` : `${fmt.format(l.viewers || 0)} viewers`;
    return {
      title: ko ? `${l.name} 방송 시작` : `${l.name} is live`,
      message: l.title || "",
      contextMessage: `${platform} · ${viewers}`,
      url: l.url,
    };
  }
  const names = note.lives.map((l) => l.name);
  const shown = names.length > 6 ? `${names.slice(0, 6).join(", ")} …` : names.join(", ");
  const n = note.lives.length;
  return {
    title: ko ? `즐겨찾기 ${n}개 채널 방송 중` : `${n} favourite${n === 1 ? " is" : "s are"} live`,
    message: shown,
    contextMessage: "streamtide",
    url: null,
  };
}

/** Every live broadcast on `server` (all languages: a favourite is a favourite in any). */
async function fetchLive(server) {
  const items = [];
  let cursor = null;
  do {
    const q = new URLSearchParams({ lang: "all", limit: "200" });
    if (cursor) q.set("cursor", cursor);
    const res = await fetch(`${server}/api/v1/live?${q}`, { headers: { Accept: "application/json" }, credentials: "omit" });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const page = await res.json();
    if (!page || !Array.isArray(page.items)) throw new Error("not a live list");
    items.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor && items.length < MAX_ITEMS);
  return items;
}

async function show(note, now) {
  const text = render(note);
  const id = `streamtide-${note.kind}-${now}-${note.lives.map((l) => l.key).join(",")}`.slice(0, 500);
  const entry = {
    at: new Date(now).toISOString(),
    kind: note.kind,
    id,
    channels: note.lives.map((l) => l.key),
    names: note.lives.map((l) => l.name),
    title: text.title,
    message: text.message,
    url: text.url,
  };
  // Logged first: the click handler finds the URL here, and a browser that cannot show a
  // notification (headless) still records that one was due.
  const { [LOG_KEY]: log = [] } = await chrome.storage.local.get(LOG_KEY);
  await chrome.storage.local.set({ [LOG_KEY]: [...log, entry].slice(-LOG_MAX) });
  try {
    await chrome.notifications.create(id, {
      type: "basic",
      iconUrl: chrome.runtime.getURL("icons/icon128.png"),
      title: text.title,
      message: text.message,
      contextMessage: text.contextMessage,
      priority: 0,
    });
  } catch (err) {
    console.warn("streamtide: notification not shown", err);
  }
  return entry;
}

/** One check: compare the favourites live now with the last check's and notify. Returns what
 *  happened ({skipped} or {notes, live}); a server that cannot be read leaves the state alone. */
export async function checkLive(now = Date.now()) {
  if (!(await notifyEnabled())) return { skipped: "off" };
  const server = await getServer();
  if (!server) return { skipped: "no server" };
  const { favourites, notifyState } = await chrome.storage.local.get(["favourites", "notifyState"]);
  const favKeys = (favourites && favourites.keys) || [];
  let live = {};
  if (favKeys.length) {
    try {
      live = liveFavourites(await fetchLive(server), favKeys);
    } catch (err) {
      return { skipped: `server: ${err.message}` };
    }
  }
  const { state, notes } = decide(notifyState || null, live, favKeys, now);
  await chrome.storage.local.set({ notifyState: state });
  const shown = [];
  for (const note of notes) shown.push(await show(note, now));
  return { live: Object.keys(live), shown };
}

/** A click on one of our notifications: open its broadcast (a summary opens the board). */
export async function openNotification(id) {
  if (!id.startsWith("streamtide-")) return;
  const { [LOG_KEY]: log = [] } = await chrome.storage.local.get(LOG_KEY);
  const entry = log.find((e) => e.id === id);
  const url = (entry && entry.url) || chrome.runtime.getURL("newtab.html");
  await chrome.tabs.create({ url });
  await chrome.notifications.clear(id);
}
