// Service worker: sets the default server on first install. Everything else happens in the
// new-tab page, the popup and the options page.
const DEFAULT_SERVER = "http://127.0.0.1:8080";

chrome.runtime.onInstalled.addListener(async ({ reason }) => {
  if (reason !== "install") return;
  const { server } = await chrome.storage.sync.get("server");
  if (!server) await chrome.storage.sync.set({ server: DEFAULT_SERVER });
});
