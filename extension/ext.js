// The extension's new tab and toolbar popup: the web UI's live board (app/board.js, packed from
// the server's web files), reading from the configured server, painted first from the cached
// list in chrome.storage.local. Without a server (a package packed without `--server`, first
// run) it shows the onboarding instead.
import { createApi } from "./app/api.js";
import { headerToggles, mountBoard } from "./app/board.js";
import { onLangChange, t, translate } from "./app/i18n.js";
import { loadPlatforms } from "./app/platforms.js";
import { prefs } from "./app/prefs.js";
import { mirrorFavourites } from "./notify.js";
import { showOnboarding } from "./onboarding.js";
import { getServer, liveCache } from "./settings.js";

const compact = document.body.classList.contains("popup");
// Both storage reads start at once, before anything else.
const serverRead = getServer();
const cacheRead = liveCache.load().catch(() => null);

async function board(server, cache) {
  const api = createApi(server);
  // Names, order and colours of the platforms come from the server (the last answer when offline).
  await loadPlatforms(api);
  const web = document.getElementById("open-web");
  web.href = `${server}/`;
  web.hidden = false;
  const root = document.getElementById("board");
  mountBoard(root, {
    api,
    cache: { load: () => cache, save: (snapshot) => liveCache.save(snapshot) },
    compact,
    channelHref: (item) =>
      `${server}/#/channel/${encodeURIComponent(item.platform)}/${encodeURIComponent(item.channel_id)}`,
  });
  // Nothing to show and no server: point at the options (with cards on screen, the board's
  // own status line says how old they are, quietly).
  root.addEventListener("board:refreshed", () => {
    document.getElementById("server-hint").hidden = root.dataset.state !== "failed";
  });
}

async function start() {
  document.getElementById("toggles").replaceChildren(...headerToggles());
  translate(document);
  const server = await serverRead;
  if (server) {
    board(server, cacheRead);
    onLangChange(() => translate(document));
    return;
  }
  document.getElementById("open-web").hidden = true;
  const root = document.getElementById("board");
  const retranslate = showOnboarding(root, (saved) => {
    root.replaceChildren();
    board(saved, Promise.resolve(null));
  });
  onLangChange(() => {
    translate(document);
    if (root.querySelector(".onboarding")) retranslate();
  });
}

document.getElementById("options").addEventListener("click", (e) => {
  e.preventDefault();
  chrome.runtime.openOptionsPage();
});
document.getElementById("server-hint").textContent = t("ext.noServer");
start();

// The service worker's go-live check reads the favourites from chrome.storage.local (it cannot
// read this page's localStorage): keep that copy current, from every open board.
const mirror = () => mirrorFavourites(prefs).catch(() => {});
mirror();
prefs.subscribe(mirror);
