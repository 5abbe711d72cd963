// The options page: the streamtide server's URL, kept in chrome.storage.sync.
import { getServer, normaliseServer, setServer } from "./settings.js";

const input = document.getElementById("server");
const status = document.getElementById("status");

function say(text, ok) {
  status.textContent = text;
  status.className = ok ? "ok" : "error";
}

async function check(server) {
  try {
    const res = await fetch(`${server}/api/v1/live?limit=1`, { headers: { Accept: "application/json" } });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const body = await res.json();
    say(`✓ ${server} — 방송 ${body.total}개 / ${body.total} live`, true);
  } catch (err) {
    say(`✗ ${server}: ${err.message}`, false);
  }
}

document.getElementById("form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const server = normaliseServer(input.value);
  if (!server) {
    say("http(s) URL이 아닙니다 / not an http(s) URL", false);
    return;
  }
  // Servers other than this machine need a host permission (asked during the click).
  const local = /^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?$/.test(server);
  if (!local && chrome.permissions && chrome.permissions.request) {
    try {
      await chrome.permissions.request({ origins: [`${server}/*`] });
    } catch (_) {
      /* the API's CORS allows extension origins anyway */
    }
  }
  await setServer(server);
  input.value = server;
  say(`저장했습니다 / Saved: ${server}`, true);
  check(server);
});

getServer().then((server) => {
  input.value = server;
  check(server);
});
