// The first run of a package packed without a server: what the extension is, a field for the
// server, a link to the options and to the privacy page. Never a raw fetch error: an address
// that does not work is said in words, and nothing is saved until the server answers.
import { el } from "./app/dom.js";
import { t } from "./app/i18n.js";
import { normaliseServer, probe, requestAccess, setServer } from "./settings.js";

/** Show the onboarding in `root`; `onReady(server)` runs once a server is saved. */
export function showOnboarding(root, onReady) {
  const input = el("input", {
    id: "onboard-server",
    type: "text",
    inputMode: "url",
    autocomplete: "url",
    spellcheck: false,
    required: true,
  });
  const status = el("p", { className: "onboard-status", role: "status", "aria-live": "polite" });
  const button = el("button", { type: "submit", className: "onboard-connect" });
  const form = el(
    "form",
    { className: "onboard-form", onsubmit: (e) => connect(e) },
    el("label", { htmlFor: "onboard-server", "data-k": "onboard.server" }),
    el("div", { className: "row" }, input, button),
    status,
  );
  const options = el("a", {
    href: "options.html",
    "data-k": "onboard.options",
    onclick: (e) => {
      e.preventDefault();
      chrome.runtime.openOptionsPage();
    },
  });
  const privacy = el("a", { href: "privacy.html", target: "_blank", "data-k": "onboard.privacy" });
  const box = el(
    "section",
    { className: "onboarding", "aria-labelledby": "onboard-title" },
    el("img", { src: "icons/icon128.png", alt: "", width: 64, height: 64 }),
    el("h1", { id: "onboard-title", "data-k": "onboard.title" }),
    el("p", { "data-k": "onboard.what" }),
    form,
    el("p", { className: "onboard-links" }, options, " · ", privacy),
    el("p", { className: "onboard-own", "data-k": "onboard.own" }),
  );

  function say(key, vars, kind) {
    status.textContent = t(key, vars);
    status.className = `onboard-status ${kind || ""}`;
  }

  async function connect(e) {
    e.preventDefault();
    const server = normaliseServer(input.value);
    if (!server) {
      say("onboard.bad", null, "error");
      return;
    }
    // The permission prompt must come straight from the click, before anything is awaited.
    const allowed = await requestAccess(server);
    if (!allowed) {
      say("onboard.denied", { server }, "error");
      return;
    }
    say("onboard.checking", { server });
    button.disabled = true;
    const problem = await probe(server);
    button.disabled = false;
    if (problem) {
      say(`onboard.${problem.kind}`, { server, message: problem.message || "" }, "error");
      return;
    }
    await setServer(server);
    onReady(server);
  }

  function translateBox() {
    for (const node of box.querySelectorAll("[data-k]")) node.textContent = t(node.dataset.k);
    input.placeholder = t("onboard.placeholder");
    button.textContent = t("onboard.connect");
  }
  translateBox();
  root.replaceChildren(box);
  input.focus();
  return translateBox;
}
