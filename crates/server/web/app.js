// The web UI's entry point: header, hash routing (#/ live board, #/channel/{platform}/{id},
// #/rankings, #/market, #/category/{tag}, #/broadcast/{platform}/{id}, #/creators,
// #/creator/{id}) and the language and theme switches. The views live
// in ./app/*.js; the board is shared with the browser extension.
import { createApi } from "./app/api.js";
import { headerToggles, mountBoard } from "./app/board.js";
import { renderBroadcast } from "./app/broadcast.js";
import { renderChannel } from "./app/channel.js";
import { renderCreator } from "./app/creator.js";
import { renderCreators } from "./app/creators.js";
import { onLangChange, translate } from "./app/i18n.js";
import { renderCategory, renderMarket } from "./app/market.js";
import { loadPlatforms } from "./app/platforms.js";
import { renderRankings } from "./app/rankings.js";

const api = createApi("");
const CACHE_KEY = "streamtide.liveCache";

// The last list, so a reload paints at once and then refreshes.
const cache = {
  async load() {
    return JSON.parse(localStorage.getItem(CACHE_KEY) || "null");
  },
  async save(snapshot) {
    try {
      localStorage.setItem(CACHE_KEY, JSON.stringify(snapshot));
    } catch (_) {
      localStorage.removeItem(CACHE_KEY);
    }
  },
};

const main = document.getElementById("main");
let cleanup = null;
let currentRoute = null;

function parseRoute(hash = location.hash) {
  // A page may carry settings after "?" (#/rankings?sort=total&metric=hours_watched).
  const [path, query = ""] = hash.replace(/^#\/?/, "").split("?");
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  if (parts[0] === "channel" && parts.length >= 3) return { name: "channel", platform: parts[1], id: parts.slice(2).join("/") };
  if (parts[0] === "rankings") return { name: "rankings", query };
  if (parts[0] === "market") return { name: "market" };
  if (parts[0] === "category" && parts.length >= 2) return { name: "category", tag: parts[1] };
  if (parts[0] === "broadcast" && parts.length >= 3) return { name: "broadcast", platform: parts[1], id: parts.slice(2).join("/") };
  if (parts[0] === "creators") return { name: "creators" };
  if (parts[0] === "creator" && parts.length >= 2) return { name: "creator", id: parts[1] };
  return { name: "board" };
}

function route(force = false) {
  const r = parseRoute();
  const key = JSON.stringify(r);
  if (!force && key === currentRoute) return;
  currentRoute = key;
  if (cleanup) cleanup();
  cleanup = null;
  const view = document.createElement("div");
  view.className = `view view-${r.name}`;
  main.replaceChildren(view);
  if (r.name === "channel") {
    cleanup = renderChannel(view, { api, platform: r.platform, id: r.id });
  } else if (r.name === "market") {
    document.title = "streamtide · 시장";
    cleanup = renderMarket(view, { api });
  } else if (r.name === "category") {
    cleanup = renderCategory(view, { api, tag: r.tag });
  } else if (r.name === "broadcast") {
    cleanup = renderBroadcast(view, { api, platform: r.platform, id: r.id });
  } else if (r.name === "creator") {
    cleanup = renderCreator(view, { api, id: r.id });
  } else if (r.name === "creators") {
    document.title = "streamtide · creators";
    cleanup = renderCreators(view, { api });
  } else if (r.name === "rankings") {
    document.title = "streamtide · rankings";
    cleanup = renderRankings(view, { api, query: r.query });
  } else {
    document.title = "streamtide";
    const board = mountBoard(view, {
      api,
      cache,
      health: true,
      channelHref: (item) =>
        `#/channel/${encodeURIComponent(item.platform)}/${encodeURIComponent(item.channel_id)}`,
    });
    cleanup = () => board.destroy();
  }
  for (const a of document.querySelectorAll("[data-route]")) {
    const section = r.name === "creator" ? "creators" : r.name === "category" ? "market" : r.name;
    if (a.dataset.route === section) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
  if (r.name !== "board") window.scrollTo(0, 0);
}

document.getElementById("toggles").replaceChildren(...headerToggles());
translate(document);
onLangChange(() => {
  translate(document);
  // The board re-renders itself; the other views are rebuilt in the new language.
  if (parseRoute().name !== "board") route(true);
});
window.addEventListener("hashchange", (e) => {
  // The page shown is the one the previous address names: a page may have rewritten its own
  // address (the rankings drop the settings they opened with), so the same link followed again
  // is a new route, not the one already shown.
  if (currentRoute !== null) currentRoute = JSON.stringify(parseRoute(new URL(e.oldURL).hash));
  route();
});
// Names, order and colours of the platforms come from the server before any view draws them.
loadPlatforms(api).finally(() => route());

// Installable on a phone's home screen, and open offline from the last list (./sw.js).
if ("serviceWorker" in navigator && window.isSecureContext) {
  navigator.serviceWorker.register("/sw.js").catch(() => {
    /* not allowed here (e.g. a private window): the page works without it */
  });
}
