// Background (a service worker in Chrome, a background script in Firefox): on first install of a
// package packed without a server, open a new tab so the onboarding asks for one. A package
// packed with `--server` shows the board on the first new tab and needs nothing here.
import { PACKED_SERVER } from "./defaults.js";

chrome.runtime.onInstalled.addListener(async ({ reason }) => {
  if (reason !== "install" || PACKED_SERVER) return;
  const { server } = await chrome.storage.sync.get("server");
  if (!server) await chrome.tabs.create({ url: chrome.runtime.getURL("newtab.html") });
});
