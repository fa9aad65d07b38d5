// e-Cabinet's service worker, served at /sw.js by ecabinet/pwa.py, which puts its
// configuration in front of this file as `self.ECABINET_SW`:
//   {cache: "ecabinet-shell-<version>", shell: [static URLs], offline: "/briefcase/",
//    networkOnly: ["/api/", "/ws/"]}
//
// - Install: keep the app shell (scripts, styles, pdf.js, icons) in one cache named after
//   its version; the briefcase page is kept too when it can be fetched (best effort).
// - The shell's files are answered from that cache. Pages come from the network; with no
//   network, the kept briefcase page is shown (it reads the encrypted store by itself).
// - Never cached, never answered here: the API, sockets, the papers' files, anything else.
// - A `{type: "wipe"}` message deletes every cache this app owns (a revoked device).
/* global self, caches, fetch, Response, Request, URL */
"use strict";

var CONFIG = self.ECABINET_SW || { cache: "ecabinet-shell-dev", shell: [], offline: "/briefcase/", networkOnly: ["/api/"] };
var PREFIX = "ecabinet-";
var SHELL = new Set(CONFIG.shell);
var PAPER_FILE = /^\/meetings\/\d+\/papers\/\d+\/file\/?$/;

function networkOnly(url) {
  if (PAPER_FILE.test(url.pathname)) return true;
  return CONFIG.networkOnly.some(function (prefix) {
    return url.pathname.indexOf(prefix) === 0;
  });
}

// A page worth keeping: a real answer, not a redirect to the sign-in page.
function keepable(response) {
  return response && response.ok && !response.redirected && response.type === "basic";
}

// Asked without following a redirect: signed out, the page redirects to the sign-in page,
// and fetching that would set a new CSRF cookie under a sign-in form the person has open.
function keepOfflinePage(cache) {
  return fetch(new Request(CONFIG.offline, { credentials: "same-origin", redirect: "manual" }))
    .then(function (response) {
      if (keepable(response)) return cache.put(CONFIG.offline, response);
    })
    .catch(function () {
      /* not there yet, or signed out: kept on the next visit to it */
    });
}

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches
      .open(CONFIG.cache)
      .then(function (cache) {
        return cache.addAll(CONFIG.shell).then(function () {
          return keepOfflinePage(cache);
        });
      })
      .then(function () {
        return self.skipWaiting();
      })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches
      .keys()
      .then(function (names) {
        return Promise.all(
          names
            .filter(function (name) {
              return name.indexOf(PREFIX + "shell-") === 0 && name !== CONFIG.cache;
            })
            .map(function (name) {
              return caches.delete(name);
            })
        );
      })
      .then(function () {
        return self.clients.claim();
      })
  );
});

function offlineAnswer() {
  return caches
    .open(CONFIG.cache)
    .then(function (cache) {
      return cache.match(CONFIG.offline);
    })
    .then(function (kept) {
      if (kept) return kept;
      var css = CONFIG.shell.filter(function (url) {
        return url.indexOf("/css/ecabinet") !== -1;
      })[0];
      return new Response(
        '<!DOCTYPE html><html lang="vi"><meta charset="utf-8">' +
          '<meta name="viewport" content="width=device-width, initial-scale=1">' +
          (css ? '<link rel="stylesheet" href="' + css + '">' : "") +
          '<title>e-Cabinet</title><main class="page"><section class="card" data-testid="offline">' +
          "<h1>e-Cabinet</h1><p>Không có kết nối mạng. Hãy thử lại khi có mạng.</p>" +
          "</section></main></html>",
        { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } }
      );
    });
}

function navigate(request, url) {
  return fetch(request)
    .then(function (response) {
      // The briefcase page is kept fresh each time it is opened online.
      if (url.pathname === CONFIG.offline && keepable(response)) {
        var copy = response.clone();
        caches.open(CONFIG.cache).then(function (cache) {
          cache.put(CONFIG.offline, copy);
        });
      }
      return response;
    })
    .catch(offlineAnswer);
}

function fromShell(request) {
  return caches.open(CONFIG.cache).then(function (cache) {
    return cache.match(request).then(function (kept) {
      return kept || fetch(request);
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin || networkOnly(url)) return;
  if (request.mode === "navigate") {
    event.respondWith(navigate(request, url));
  } else if (SHELL.has(url.pathname + url.search)) {
    event.respondWith(fromShell(request));
  }
});

self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type !== "wipe") return;
  var done = caches.keys().then(function (names) {
    return Promise.all(
      names
        .filter(function (name) {
          return name.indexOf(PREFIX) === 0;
        })
        .map(function (name) {
          return caches.delete(name);
        })
    );
  });
  event.waitUntil(
    done.then(function () {
      var answer = { type: "wiped" };
      if (event.ports && event.ports[0]) event.ports[0].postMessage(answer);
      else if (event.source) event.source.postMessage(answer);
    })
  );
});
