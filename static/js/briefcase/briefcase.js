// The briefcase (`/briefcase/`, docs/briefcase.md): the member's upcoming meetings,
// agendas and papers, kept encrypted on this device and readable with no network.
//
// Online: the device registers once (POST /api/devices), the data key is asked once per
// page session (POST /api/devices/{id}/key) and kept in memory only; the manifest
// (GET /api/briefcase) says what to keep, papers are downloaded, checked against their
// SHA-256, sealed (crypto.js) and stored (store.js). Offline: the key is unwrapped with
// the member's offline PIN. Positions marked offline wait in the outbox and are sent
// through the ordinary idempotent PUT once the network is back. A revoked device (its
// status, a 410 "device_revoked", or the person stream's `device.revoked`) deletes
// everything it stored, tells the server and signs out.
(function () {
  "use strict";

  var root = document.getElementById("briefcase");
  if (!root) return;
  var C = window.ecabinetBriefcaseCrypto;
  var S = window.ecabinetBriefcaseStore;
  var t = root.dataset;
  var DEVICE_HEADER = "X-Ecabinet-Device";
  var MAX_PIN_TRIES = 10;
  var DOWNLOADS_AT_ONCE = 3;
  var SYNC_EVERY_MS = 5 * 60 * 1000;

  var state = {
    device: null, // {k: "device", id}
    key: null, // the data key (CryptoKey, not extractable), in memory only
    manifest: null,
    meetings: {}, // meeting id -> {state: ok|loading|failed, n, m}
    pending: {}, // item id -> the position waiting in the outbox
    sent: {}, // item id -> "sent" | refusal text
    offlineHours: 72,
    contact: 0,
    syncing: null,
    flushing: null,
    wiping: false,
    signedOut: false,
    personSeq: 0,
    socket: null,
  };

  var $ = function (testid) {
    return root.querySelector("[data-testid=" + testid + "]");
  };

  // Drawing (view.js): from `state`, never from the network.
  var view = window.ecabinetBriefcaseView(root, state);
  var say = view.say;
  var el = view.el;
  var render = view.render;
  var renderSync = view.renderSync;
  var renderPaperAction = view.renderPaperAction;
  var showNetwork = view.showNetwork;
  var showStatus = view.showStatus;

  // Positions and pages read, kept sealed until sent (outbox.js).
  var outbox = window.ecabinetBriefcaseOutbox(state, { call: call, json: json, render: render, say: say });
  var flush = outbox.flush;
  var loadOutbox = outbox.load;
  var markPosition = outbox.mark;
  var noteReading = outbox.noteReading;

  function message(text, kind) {
    var box = $("briefcase-message");
    box.textContent = "";
    box.hidden = !text;
    box.className = "alert" + (kind ? " alert--" + kind : "");
    if (text) box.appendChild(el("p", null, text));
    return box;
  }

  function phase(name) {
    root.dataset.state = name;
    root.setAttribute("aria-busy", name === "starting" || name === "opening" ? "true" : "false");
  }

  // --- The server ----------------------------------------------------------------------

  function csrf() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function Revoked() {
    this.name = "Revoked";
  }

  // fetch with the session, the CSRF token and the device; a 410 device_revoked wipes.
  function call(method, url, body, accept) {
    var headers = { Accept: accept || "application/json", "X-CSRFToken": csrf() };
    if (state.device) headers[DEVICE_HEADER] = state.device.id;
    var init = { method: method, credentials: "same-origin", headers: headers, cache: "no-store" };
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    return window.fetch(url, init).then(function (response) {
      if (response.status !== 410) return response;
      return response
        .clone()
        .json()
        .catch(function () {
          return {};
        })
        .then(function (data) {
          if (data.error !== "device_revoked") return response;
          wipe();
          throw new Revoked();
        });
    });
  }

  function json(response) {
    return response.json().catch(function () {
      return {};
    });
  }

  function deviceName() {
    var ua = navigator.userAgent;
    var browser = /Edg\//.test(ua) ? "Edge" : /Chrom/.test(ua) ? "Chrome" : /Firefox/.test(ua) ? "Firefox" : /Safari/.test(ua) ? "Safari" : "Web";
    var platform = (navigator.userAgentData && navigator.userAgentData.platform) || navigator.platform || "";
    return (browser + " · " + platform).slice(0, 100);
  }

  function register() {
    return call("POST", "/api/devices", { name: deviceName() }).then(function (response) {
      if (response.status === 401 || response.status === 403) throw { signedOut: true };
      return json(response).then(function (data) {
        // Refused (too many devices, say): the server says why, in the member's language.
        if (!response.ok) throw { detail: data.detail || String(response.status) };
        state.device = { k: "device", id: data.id };
        return S.put("meta", state.device);
      });
    });
  }

  // The key for this page session. Resolves to the raw bytes; rejects {signedOut} or
  // {foreign} (the device is unknown to this person: another member's, or deleted).
  function fetchKey() {
    return call("POST", "/api/devices/" + state.device.id + "/key", {}).then(function (response) {
      if (response.status === 401) throw { signedOut: true };
      if (response.status === 403 || response.status === 404) throw { foreign: true };
      if (!response.ok) throw new Error("key " + response.status);
      return json(response).then(function (data) {
        state.offlineHours = hours(data.offline_hours);
        return C.fromBase64(data.key);
      });
    });
  }

  function checkStatus() {
    return call("GET", "/api/devices/" + state.device.id + "/status").then(function (response) {
      if (response.status === 404) return "unknown";
      if (!response.ok) return "active";
      return json(response).then(function (data) {
        if (data.state === "revoked") {
          wipe();
          throw new Revoked();
        }
        return data.state;
      });
    });
  }

  // --- Starting: online with the server's key, offline with the PIN ------------------------

  function start() {
    if (!C || !C.available || !window.indexedDB || !S) {
      phase("unsupported");
      message(t.tUnsupported, "error");
      return;
    }
    showNetwork();
    S.get("meta", "device")
      .then(function (device) {
        state.device = device || null;
        return S.get("meta", "person");
      })
      .then(function (person) {
        state.personSeq = (person && person.seq) || 0;
        return navigator.onLine ? connect() : unlockWithPin();
      })
      .catch(failed);
  }

  function failed(error) {
    if (error instanceof Revoked || state.wiping) return;
    if (window.console) window.console.warn("briefcase:", error);
    if (!state.key) return unlockWithPin();
    message(t.tError, "error");
  }

  // With the network: make sure of the device and its key, then sync. A session that has
  // ended falls back to the PIN, and says how to sign in again.
  function connect() {
    var ready = state.device ? checkStatus() : register();
    return ready
      .then(function (status) {
        if (status === "unknown") return resetAndRegister();
      })
      .then(fetchKey)
      .catch(function (error) {
        if (error && error.foreign) return resetAndRegister().then(fetchKey);
        throw error;
      })
      .then(function (raw) {
        state.signedOut = false;
        return S.get("meta", "wrap").then(function (wrapped) {
          return wrapped ? raw : askNewPin(raw);
        });
      })
      .then(function (raw) {
        return C.importDataKey(raw).then(function (key) {
          raw.fill(0);
          return opened(key);
        });
      })
      .then(function () {
        listen();
        return sync();
      })
      .catch(function (error) {
        if (error && error.signedOut) {
          state.signedOut = true;
          message(t.tSignedOut, "error").appendChild(loginLink());
          if (!state.key) return unlockWithPin();
          return;
        }
        if (error instanceof Revoked) return;
        if (error && error.detail) {
          phase("refused");
          message(error.detail, "error");
          return;
        }
        if (error instanceof TypeError && !state.key) return unlockWithPin(); // no network after all
        throw error;
      });
  }

  function resetAndRegister() {
    // This device's briefcase belongs to nobody the server knows for this session
    // (another member signed in on this tablet, or the device was deleted): it is of
    // no use here, so it goes, and this person gets a device of their own.
    return S.deleteAll().then(function () {
      state.device = null;
      state.key = null;
      return register();
    });
  }

  function loginLink() {
    var link = el("a", "btn btn--small", t.tLogin);
    link.href = t.login + "?next=" + encodeURIComponent(window.location.pathname);
    link.dataset.testid = "briefcase-login";
    return link;
  }

  // First use on this device: the member chooses the PIN that wraps the key for offline use.
  function askNewPin(raw) {
    phase("pin-set");
    var form = $("pin-set");
    var error = $("pin-set-error");
    form.hidden = false;
    form.elements.pin.focus();
    return new Promise(function (resolve, reject) {
      form.onsubmit = function (event) {
        event.preventDefault();
        var pin = form.elements.pin.value;
        error.hidden = true;
        if (pin.length < 6) {
          error.textContent = t.tPinShort;
          error.hidden = false;
          return;
        }
        if (pin !== form.elements.again.value) {
          error.textContent = t.tPinDiffer;
          error.hidden = false;
          return;
        }
        form.elements.pin.value = form.elements.again.value = "";
        form.querySelector("button").disabled = true;
        C.wrap(raw, pin)
          .then(function (record) {
            return S.put("meta", record);
          })
          .then(function () {
            form.hidden = true;
            form.onsubmit = null;
            resolve(raw);
          }, reject);
      };
    });
  }

  function unlockWithPin() {
    return S.get("meta", "wrap").then(function (wrapped) {
      if (!wrapped) {
        phase("empty");
        message(t.tPinNeedsNetwork, "error");
        return;
      }
      phase("locked");
      var form = $("pin-unlock");
      var error = $("pin-error");
      form.hidden = false;
      form.elements.pin.focus();
      form.onsubmit = function (event) {
        event.preventDefault();
        var pin = form.elements.pin.value;
        form.elements.pin.value = "";
        error.hidden = true;
        phase("opening");
        C.unwrap(wrapped, pin)
          .then(function (key) {
            form.hidden = true;
            form.onsubmit = null;
            return S.remove("meta", "tries").then(function () {
              return opened(key);
            });
          })
          .then(function () {
            if (navigator.onLine) connect().catch(failed);
          })
          .catch(function () {
            return wrongPin(error);
          });
      };
    });
  }

  function wrongPin(error) {
    return S.get("meta", "tries").then(function (tries) {
      var n = ((tries && tries.n) || 0) + 1;
      if (n >= MAX_PIN_TRIES) {
        return S.deleteAll().then(function () {
          $("pin-unlock").hidden = true;
          phase("empty");
          message(t.tPinLocked, "error");
        });
      }
      phase("locked");
      error.textContent = say(t.tPinWrong, { n: MAX_PIN_TRIES - n });
      error.hidden = false;
      return S.put("meta", { k: "tries", n: n });
    });
  }

  // The key is in hand (from the server or the PIN): read what the device holds.
  function opened(key) {
    var first = !state.key;
    state.key = key;
    $("pin-unlock").hidden = true;
    $("pin-unlock").onsubmit = null;
    if (!first) return Promise.resolve();
    return S.get("meta", "contact")
      .then(function (record) {
        return record ? C.openJSON(key, record) : null;
      })
      .then(function (contact) {
        if (contact) {
          state.contact = contact.at;
          state.offlineHours = hours(contact.hours);
        }
        return expireIfDue();
      })
      .then(function () {
        return S.get("manifest", "manifest");
      })
      .then(function (record) {
        return record ? C.openJSON(key, record) : null;
      })
      .then(function (manifest) {
        state.manifest = manifest;
        return S.keys("papers");
      })
      .then(function (stored) {
        if (state.manifest) settleFromStore(stored);
        return loadOutbox();
      })
      .then(function () {
        phase("ready");
        render();
      });
  }

  // What is on the device already counts as up to date until the next sync says otherwise.
  function settleFromStore(stored) {
    var have = {};
    stored.forEach(function (k) {
      have[k] = true;
    });
    state.manifest.meetings.forEach(function (meeting) {
      var wanted = offlinePapers(meeting);
      var n = wanted.filter(function (p) {
        return have[paperKey(p)];
      }).length;
      state.meetings[meeting.id] = { state: n === wanted.length ? "ok" : "failed", n: n, m: wanted.length };
    });
  }

  // The server's setting; 0 is a setting too (no reading offline at all).
  function hours(value) {
    return typeof value === "number" && value >= 0 ? value : state.offlineHours;
  }

  // Offline reading stops after offline_hours without contact with the server.
  function expireIfDue() {
    if (!state.contact || navigator.onLine) return Promise.resolve(false);
    if (Date.now() - state.contact <= state.offlineHours * 3600 * 1000) return Promise.resolve(false);
    state.manifest = null;
    state.meetings = {};
    return Promise.all([S.clear("papers"), S.clear("manifest")]).then(function () {
      message(say(t.tExpired, { hours: state.offlineHours }), "error");
      render();
      return true;
    });
  }

  function touchContact() {
    state.contact = Date.now();
    showStatus();
    return C.sealJSON(state.key, "contact", { at: state.contact, hours: state.offlineHours }).then(
      function (record) {
        return S.put("meta", record);
      }
    );
  }

  // --- Sync ------------------------------------------------------------------------------

  function paperKey(paper) {
    return paper.id + ":" + paper.version;
  }

  function offlinePapers(meeting) {
    return (meeting.papers || []).filter(function (p) {
      return p.offline;
    });
  }

  function sync() {
    if (!state.key || !state.device || state.wiping) return Promise.resolve();
    if (state.syncing) return state.syncing;
    root.dataset.sync = "loading";
    state.syncing = call("GET", "/api/briefcase?device=" + encodeURIComponent(state.device.id))
      .then(function (response) {
        if (response.status === 401 || response.status === 403) throw { signedOut: true };
        if (!response.ok) throw new Error("manifest " + response.status);
        return json(response);
      })
      .then(function (manifest) {
        state.offlineHours = hours(manifest.offline_hours);
        return touchContact()
          .then(function () {
            return C.sealJSON(state.key, "manifest", manifest);
          })
          .then(function (record) {
            return S.put("manifest", record);
          })
          .then(function () {
            state.manifest = manifest;
            return S.keys("papers");
          });
      })
      .then(download)
      .then(function () {
        flush();
        root.dataset.sync = failedMeetings() ? "failed" : "ok";
        root.dataset.syncs = String((parseInt(root.dataset.syncs || "0", 10) || 0) + 1);
        return reportStored();
      })
      .catch(function (error) {
        root.dataset.sync = "failed";
        if (error instanceof Revoked) return;
        if (error && error.signedOut) {
          state.signedOut = true;
          message(t.tSignedOut, "error").appendChild(loginLink());
          return checkStatus().catch(function () {});
        }
        Object.keys(state.meetings).forEach(function (id) {
          if (state.meetings[id].state === "loading") state.meetings[id].state = "failed";
        });
        render();
      })
      .then(function () {
        state.syncing = null;
      });
    return state.syncing;
  }

  function failedMeetings() {
    return Object.keys(state.meetings).filter(function (id) {
      return state.meetings[id].state === "failed";
    }).length;
  }

  // Download what is new or changed, meeting by meeting, and drop what left the manifest.
  function download(storedKeys) {
    var have = {};
    storedKeys.forEach(function (k) {
      have[k] = true;
    });
    var wanted = {};
    var queue = [];
    state.meetings = {};
    state.manifest.meetings.forEach(function (meeting) {
      var papers = offlinePapers(meeting);
      var progress = { state: "ok", n: 0, m: papers.length };
      state.meetings[meeting.id] = progress;
      papers.forEach(function (paper) {
        wanted[paperKey(paper)] = true;
        if (have[paperKey(paper)]) progress.n += 1;
        else queue.push({ paper: paper, progress: progress });
      });
      if (progress.n < progress.m) progress.state = "loading";
    });
    render();
    var gone = storedKeys.filter(function (k) {
      return !wanted[k];
    });
    return Promise.all(
      gone.map(function (k) {
        return S.remove("papers", k);
      })
    ).then(function () {
      return pool(queue, DOWNLOADS_AT_ONCE, fetchPaper);
    });
  }

  function pool(tasks, size, work) {
    var next = 0;
    function worker() {
      if (next >= tasks.length || state.wiping) return Promise.resolve();
      var task = tasks[next++];
      return work(task).then(worker);
    }
    var workers = [];
    for (var i = 0; i < Math.min(size, tasks.length); i++) workers.push(worker());
    return Promise.all(workers);
  }

  function fetchPaper(task) {
    var paper = task.paper;
    var progress = task.progress;
    return call("GET", paper.file_url, undefined, "application/pdf")
      .then(function (response) {
        if (!response.ok) throw new Error("paper " + response.status);
        return response.arrayBuffer();
      })
      .then(function (buffer) {
        return C.sha256hex(buffer).then(function (digest) {
          if (paper.sha256 && digest !== paper.sha256) throw new Error("sha256 " + paper.id);
          return C.seal(state.key, paperKey(paper), buffer);
        });
      })
      .then(function (record) {
        return S.put("papers", record);
      })
      .then(function () {
        progress.n += 1;
        if (progress.n >= progress.m && progress.state !== "failed") progress.state = "ok";
      })
      .catch(function (error) {
        if (error instanceof Revoked) throw error;
        progress.state = "failed";
      })
      .then(function () {
        renderSync();
        var done = document.querySelector("[data-testid=bc-paper-" + paper.id + "]");
        if (done) renderPaperAction(done, paper);
      });
  }

  function reportStored() {
    var meetings = 0;
    var papers = 0;
    var bytes = 0;
    (state.manifest ? state.manifest.meetings : []).forEach(function (meeting) {
      var progress = state.meetings[meeting.id];
      if (progress && progress.n) meetings += 1;
      offlinePapers(meeting).forEach(function (paper) {
        if (progress && progress.state === "ok") {
          papers += 1;
          bytes += paper.size || 0;
        }
      });
    });
    return call("POST", "/api/devices/" + state.device.id + "/stored", {
      meetings: meetings,
      papers: papers,
      bytes: bytes,
    }).catch(function () {
      /* only for the devices page: the next sync says it again */
    });
  }

  var soon = null;
  function syncSoon() {
    window.clearTimeout(soon);
    soon = window.setTimeout(function () {
      if (navigator.onLine && state.key) sync();
    }, 800);
  }

  // --- Reading a paper -------------------------------------------------------------------

  var reader = null;

  function findPaper(id) {
    var found = null;
    (state.manifest ? state.manifest.meetings : []).forEach(function (meeting) {
      (meeting.papers || []).forEach(function (p) {
        if (String(p.id) === String(id)) found = p;
      });
    });
    return found;
  }

  function read(paper) {
    var overlay = $("briefcase-reader");
    var body = $("briefcase-reader-body");
    return S.get("papers", paperKey(paper))
      .then(function (record) {
        if (!record) throw new Error("missing");
        return C.open(state.key, record);
      })
      .then(function (bytes) {
        closeReader();
        body.textContent = "";
        $("briefcase-reader-title").textContent = paper.title;
        overlay.hidden = false;
        overlay.dataset.paperId = paper.id;
        document.body.classList.add("briefcase-reading");
        body.addEventListener("reader:page", onPage);
        return window.ecabinetReader.open(body, {
          source: { data: bytes },
          paperId: paper.id,
          version: paper.version,
          pdfjs: t.pdfjs,
          worker: t.worker,
          page: 1,
          reportReading: false, // the outbox reports it, online or not
        });
      })
      .then(function (handle) {
        reader = handle;
        overlay.dataset.state = "open";
      })
      .catch(function () {
        message(t.tOpenError, "error");
      });
  }

  function onPage(event) {
    var detail = event.detail || {};
    var paper = findPaper(detail.paperId);
    if (!paper || !detail.page) return;
    $("briefcase-reader").dataset.page = detail.page;
    noteReading(paper, detail.page).then(function () {
      if (navigator.onLine) flush();
    });
  }

  function closeReader() {
    var overlay = $("briefcase-reader");
    var body = $("briefcase-reader-body");
    body.removeEventListener("reader:page", onPage);
    if (reader) {
      try {
        reader.close();
      } catch (e) {
        /* already closed */
      }
    }
    reader = null;
    overlay.hidden = true;
    delete overlay.dataset.state;
    document.body.classList.remove("briefcase-reading");
  }

  // --- The person stream: a revoke reaches an open app at once ----------------------------

  var backoff = 1000;
  function listen() {
    if (!window.WebSocket || state.socket || state.wiping || !navigator.onLine) return;
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var ws = new WebSocket(scheme + window.location.host + "/ws/me/");
    state.socket = ws;
    ws.onopen = function () {
      ws.send(JSON.stringify({ type: "hello", after: state.personSeq }));
    };
    ws.onmessage = function (message) {
      var frame;
      try {
        frame = JSON.parse(message.data);
      } catch (e) {
        return;
      }
      if (frame.type === "event" && frame.event === "device.revoked") {
        var revoked = frame.data && String(frame.data.device_id);
        if (state.device && revoked === String(state.device.id)) {
          wipe();
          return;
        }
      }
      if ((frame.type === "event" || frame.type === "skip" || frame.type === "resync") && frame.seq > state.personSeq) {
        state.personSeq = frame.seq;
        S.put("meta", { k: "person", seq: frame.seq }).catch(function () {});
        if (frame.type !== "skip") syncSoon();
      } else if (frame.type === "ready") {
        backoff = 1000;
      }
    };
    ws.onclose = function (event) {
      if (state.socket !== ws) return;
      state.socket = null;
      if (state.wiping) return;
      // Signed out: perhaps because this device was revoked (that ends its session too,
      // and the close can overtake the event). The status needs no session.
      if (event.code === 4401) checkStatus().catch(function () {});
      if (event.code === 4401 || event.code === 4403) return;
      window.setTimeout(listen, backoff + Math.random() * 500);
      backoff = Math.min(backoff * 2, 30000);
    };
  }

  function hangUp() {
    var ws = state.socket;
    state.socket = null;
    if (ws) ws.close();
  }

  // --- Wipe ------------------------------------------------------------------------------

  function wipe() {
    if (state.wiping) return state.wiping;
    var id = state.device && state.device.id;
    hangUp();
    closeReader();
    state.key = null;
    state.manifest = null;
    phase("wiping");
    $("pin-set").hidden = true;
    $("pin-unlock").hidden = true;
    $("briefcase-meetings").textContent = "";
    state.wiping = S.deleteAll()
      .then(function () {
        if (!window.caches) return null;
        return window.caches.keys().then(function (names) {
          return Promise.all(
            names.map(function (name) {
              return window.caches.delete(name);
            })
          );
        });
      })
      .then(function () {
        if (!navigator.serviceWorker) return null;
        if (window.ecabinetPwa) return window.ecabinetPwa.wipe(); // resolves once the worker has
        if (navigator.serviceWorker.controller) navigator.serviceWorker.controller.postMessage({ type: "wipe" });
        return navigator.serviceWorker.getRegistrations().then(function (registrations) {
          registrations.forEach(function (registration) {
            if (registration.active) registration.active.postMessage({ type: "wipe" });
          });
        });
      })
      .catch(function () {})
      .then(function () {
        try {
          window.sessionStorage.clear();
          window.localStorage.clear();
        } catch (e) {
          /* storage off: nothing there */
        }
        if (!id) return null;
        return window
          .fetch("/api/devices/" + id + "/wiped", {
            method: "POST",
            credentials: "same-origin",
            headers: { "X-CSRFToken": csrf(), Accept: "application/json" },
          })
          .catch(function () {});
      })
      .then(function () {
        var body = new URLSearchParams();
        body.set("csrfmiddlewaretoken", csrf());
        return window
          .fetch(t.logout, { method: "POST", credentials: "same-origin", headers: { "X-CSRFToken": csrf() }, body: body })
          .catch(function () {});
      })
      .then(function () {
        state.device = null;
        state.contact = 0;
        showStatus();
        phase("wiped");
        message(t.tRevoked, "error").appendChild(loginLink());
      });
    return state.wiping;
  }

  // --- Events ----------------------------------------------------------------------------

  root.addEventListener("click", function (event) {
    var button = event.target.closest("button");
    if (!button) return;
    if (button.dataset.paper) {
      var paper = findPaper(button.dataset.paper);
      if (paper) read(paper);
    } else if (button.dataset.testid === "briefcase-reader-close") {
      closeReader();
    } else if (button.dataset.testid === "briefcase-logout") {
      var body = new URLSearchParams();
      body.set("csrfmiddlewaretoken", csrf());
      window
        .fetch(t.logout, { method: "POST", credentials: "same-origin", headers: { "X-CSRFToken": csrf() }, body: body })
        .finally(function () {
          window.location.href = t.login;
        });
    }
  });

  root.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList.contains("bc-position")) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    markPosition(form);
  });

  root.addEventListener("input", function (event) {
    var form = event.target.form;
    if (form && form.classList.contains("bc-position")) form.dataset.dirty = "1";
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && reader) closeReader();
  });

  window.addEventListener("online", function () {
    showNetwork();
    if (state.wiping) return;
    if (state.key) {
      flush();
      connect().catch(failed);
    } else if (root.dataset.state !== "pin-set" && root.dataset.state !== "opening") {
      connect().catch(failed);
    }
  });

  window.addEventListener("offline", function () {
    showNetwork();
    hangUp();
  });

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") syncSoon();
  });

  window.setInterval(function () {
    if (navigator.onLine) syncSoon();
    else if (state.key) expireIfDue();
  }, SYNC_EVERY_MS);
  window.setInterval(function () {
    if (!navigator.onLine && state.key) expireIfDue();
  }, 60 * 1000);

  window.ecabinetBriefcase = {
    sync: sync,
    flush: flush,
    wipe: wipe,
    get device() {
      return state.device && state.device.id;
    },
    get unlocked() {
      return !!state.key;
    },
  };

  start();
})();
