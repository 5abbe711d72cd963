// The options page: the streamtide server's URL, kept in chrome.storage.sync (the package's own
// server, if it was packed with one, until the user picks another).
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
