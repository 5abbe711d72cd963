// The privacy page names the server this extension talks to.
import { getServer } from "./settings.js";

getServer().then((server) => {
  if (!server) return;
  for (const node of document.querySelectorAll(".server")) node.textContent = server;
});
