// e-Cabinet as an installable app: registers the service worker (/sw.js, served by
// ecabinet/pwa.py) from every signed-in page. The worker keeps the app shell and the
// briefcase page for use offline; see static/sw.js. Where the site turns the worker off
// (PWA_SERVICE_WORKER, the script's data-service-worker="off"), a worker registered
// earlier is removed instead, so nothing is kept from then on.
//
// window.ecabinetPwa.ready: a Promise of the registration (null where unsupported);
// window.ecabinetPwa.wipe(): asks the worker to delete every cache of the app, resolves
// once it has (or at once when no worker runs).
(function () {
  "use strict";

  var supported = "serviceWorker" in navigator && window.isSecureContext;
  var script = document.currentScript;
  var wanted = !(script && script.dataset.serviceWorker === "off");

  function unregisterAll() {
    return navigator.serviceWorker
      .getRegistrations()
      .then(function (registrations) {
        return Promise.all(
          registrations.map(function (registration) {
            return registration.unregister();
          })
        );
      })
      .catch(function () {})
      .then(function () {
        return null;
      });
  }

  var ready;
  if (!supported) {
    ready = Promise.resolve(null);
  } else if (!wanted) {
    ready = unregisterAll();
  } else {
    ready = navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {
      return null; // the site still works, only not offline
    });
  }

  function wipe() {
    if (!supported || !navigator.serviceWorker.controller) return Promise.resolve();
    var worker = navigator.serviceWorker.controller;
    return new Promise(function (resolve) {
      var channel = new MessageChannel();
      var timer = window.setTimeout(resolve, 5000);
      channel.port1.onmessage = function () {
        window.clearTimeout(timer);
        resolve();
      };
      worker.postMessage({ type: "wipe" }, [channel.port2]);
    });
  }

  window.ecabinetPwa = { ready: ready, wipe: wipe };
})();
