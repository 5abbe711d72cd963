// The extension's new tab and toolbar popup: the web UI's live board (app/board.js, packed from
// the server's web files), reading from the configured server, painted first from the cached
// list in chrome.storage.local.
import { createApi } from "./app/api.js";
import { headerToggles, mountBoard } from "./app/board.js";
import { onLangChange, t, translate } from "./app/i18n.js";
import { loadPlatforms } from "./app/platforms.js";
import { getServer, liveCache } from "./settings.js";

const compact = document.body.classList.contains("popup");
// Both storage reads start at once, before anything else.
const serverRead = getServer();
const cacheRead = liveCache.load().catch(() => null);

async function start() {
  const server = await serverRead;
  const api = createApi(server);
  // Names, order and colours of the platforms come from the server (the last answer when offline).
  await loadPlatforms(api);
  const web = document.getElementById("open-web");
  web.href = `${server}/`;
  document.getElementById("toggles").replaceChildren(...headerToggles());
  translate(document);
  onLangChange(() => translate(document));
  const root = document.getElementById("board");
  mountBoard(root, {
    api,
    cache: { load: () => cacheRead, save: (snapshot) => liveCache.save(snapshot) },
    compact,
    channelHref: (item) =>
      `${server}/#/channel/${encodeURIComponent(item.platform)}/${encodeURIComponent(item.channel_id)}`,
  });
  root.addEventListener("board:refreshed", () => {
    const failed = root.querySelector(".board-status.error");
    document.getElementById("server-hint").hidden = !failed;
  });
}

document.getElementById("options").addEventListener("click", (e) => {
  e.preventDefault();
  chrome.runtime.openOptionsPage();
});
document.getElementById("server-hint").textContent = t("ext.noServer");
start();
