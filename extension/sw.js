// Background (a service worker in Chrome, a background script in Firefox).
// - On first install of a package packed without a server, open a new tab so the onboarding asks
//   for one. A package packed with `--server` shows the board on the first new tab.
// - Go-live notifications, when turned on in the options (notify.js): a one-minute alarm checks
//   the favourites against the server. The options page (and the browser tests) can ask for a
//   check at once with the message {type: "notify:check"}; the alarm is the only timer.
import { PACKED_SERVER } from "./defaults.js";
import { ALARM, checkLive, openNotification, syncAlarm } from "./notify.js";

chrome.runtime.onInstalled.addListener(async ({ reason }) => {
  await syncAlarm();
  if (reason !== "install" || PACKED_SERVER) return;
  const { server } = await chrome.storage.sync.get("server");
  if (!server) await chrome.tabs.create({ url: chrome.runtime.getURL("newtab.html") });
});

// One check at a time: an alarm and a message arriving together must not both announce the
// same broadcast.
let running = Promise.resolve();
function check() {
  const next = running.then(() => checkLive()).catch((err) => ({ error: String(err && err.message) }));
  running = next;
  return next;
}

chrome.alarms.onAlarm.addListener((alarm) => {
  if (alarm.name === ALARM) check();
});

chrome.runtime.onMessage.addListener((msg, sender, reply) => {
  if (sender.id !== chrome.runtime.id || !msg || msg.type !== "notify:check") return false;
  syncAlarm()
    .then(check)
    .then(reply, (err) => reply({ error: String(err && err.message) }));
  return true; // the reply comes later
});

chrome.notifications.onClicked.addListener((id) => {
  openNotification(id).catch((err) => console.warn("streamtide: cannot open", err));
});

// Turned on or off (options page, or another browser through sync): follow.
chrome.storage.onChanged.addListener((changes, area) => {
  if (area === "sync" && changes.notifyLive) syncAlarm();
});

chrome.runtime.onStartup.addListener(() => syncAlarm());
syncAlarm();
