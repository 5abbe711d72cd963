// The options page: the streamtide server's URL, kept in chrome.storage.sync (the package's own
// server, if it was packed with one, until the user picks another), and go-live notifications
// (notify.js), off by default.
import { prefs } from "./app/prefs.js";
import { mirrorFavourites, notifyEnabled } from "./notify.js";
import { getServer, normaliseServer, probe, requestAccess, setServer } from "./settings.js";

const input = document.getElementById("server");
const status = document.getElementById("status");

function say(text, ok) {
  status.textContent = text;
  status.className = ok ? "ok" : "error";
}

async function check(server) {
  const problem = await probe(server);
  if (!problem) say(`✓ ${server}`, true);
  else if (problem.kind === "unreachable") say(`✗ ${server}: 연결할 수 없습니다 / cannot reach it`, false);
  else say(`✗ ${server}: streamtide 서버가 아닌 것 같습니다 / not a streamtide server (${problem.message})`, false);
}

document.getElementById("form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const server = normaliseServer(input.value);
  if (!server) {
    say("https:// 주소가 아닙니다 (http는 이 컴퓨터만) / not an https URL (http only for this computer)", false);
    return;
  }
  if (!(await requestAccess(server))) {
    say(`✗ ${server}: 권한이 허용되지 않았습니다 / access not allowed`, false);
    return;
  }
  await setServer(server);
  input.value = server;
  say(`저장했습니다 / Saved: ${server}`, true);
  check(server);
});

getServer().then((server) => {
  if (!server) return;
  input.value = server;
  check(server);
});

// ---- go-live notifications (off until turned on here) ------------------------------------------
const notify = document.getElementById("notify");
const notifyStatus = document.getElementById("notify-status");

function sayNotify(text, ok) {
  notifyStatus.textContent = text;
  notifyStatus.className = ok ? "ok" : "error";
}

/** The permissions notifications need that this package does not have yet (the manifest names
 *  both; a package without them asks here, inside the click). */
function missingPermissions() {
  const have = new Set(chrome.runtime.getManifest().permissions || []);
  return ["notifications", "alarms"].filter((p) => !have.has(p));
}

async function favouriteCount() {
  // The board's favourites live in this extension's localStorage; the worker reads a copy.
  await mirrorFavourites(prefs);
  return prefs.get().favourites.length;
}

async function describeOn() {
  const n = await favouriteCount();
  if (n === 0) {
    sayNotify("켜짐. 즐겨찾기가 아직 없습니다: 새 탭에서 ☆를 눌러 추가하세요 / On. No favourites yet: star channels on the new tab", true);
  } else {
    sayNotify(`켜짐: 즐겨찾기 ${n}개 채널을 1분마다 확인합니다 / On: checking ${n} favourite${n === 1 ? "" : "s"} every minute`, true);
  }
}

notify.addEventListener("change", async () => {
  if (!notify.checked) {
    await chrome.storage.sync.set({ notifyLive: false });
    await chrome.storage.local.remove("notifyState");
    sayNotify("꺼짐 / Off", true);
    return;
  }
  const missing = missingPermissions();
  if (missing.length) {
    let granted = false;
    try {
      granted = await chrome.permissions.request({ permissions: missing });
    } catch (_) {
      granted = false;
    }
    if (!granted) {
      notify.checked = false;
      sayNotify("알림 권한이 허용되지 않았습니다 / notifications not allowed", false);
      return;
    }
  }
  // A fresh start: the first check records what is live now and announces nothing.
  await chrome.storage.local.remove("notifyState");
  await chrome.storage.sync.set({ notifyLive: true });
  await describeOn();
  try {
    await chrome.runtime.sendMessage({ type: "notify:check" });
  } catch (_) {
    /* the worker checks at the next alarm anyway */
  }
});

notifyEnabled().then((on) => {
  notify.checked = on;
  if (on) describeOn();
});
