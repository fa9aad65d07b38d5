// Keeps the session of an open meeting room alive: people/middleware.py signs out
// sessions left idle, and a member following a long debate may touch nothing for
// longer than that. While the room page is open it pings a few times per idle period.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) return;
  var url = script.dataset.url;
  var every = Number(script.dataset.seconds) * 1000;
  if (!url || !(every > 0)) return;
  window.setInterval(function () {
    fetch(url, { credentials: "same-origin", cache: "no-store" }).catch(function () {});
  }, every);
})();
