// Live alerts on every page: a vote opening, the floor given, a signature awaited.
//
// The person's own stream (`/ws/me/`, docs/events.md "The person stream") carries them.
// The page is drawn with the stream's last number, so only what happens from then on
// shows; the tab remembers (sessionStorage) how far it got and which banners are up, so
// moving to another page keeps the banner and catches up on what happened in between
// (a vote closed meanwhile takes its banner down). After a dropped connection the
// missed alerts are replayed once, with what settled them.
(function () {
  "use strict";

  var box = document.getElementById("alerts");
  if (!box || !window.WebSocket) return;

  var STORE = "ecabinet.alerts";
  var MAX_AGE = 12 * 3600 * 1000; // a banner older than a working day is stale whatever happened
  var RAISING = {
    "alert.vote_opened": "vote",
    "alert.floor_given": "floor",
    "alert.signature_requested": "sign",
  };
  var SETTLING = {
    "alert.vote_closed": true,
    "alert.floor_ended": true,
    "alert.signature_settled": true,
  };
  var user = box.dataset.user;
  var pageSeq = parseInt(box.dataset.seq || "0", 10) || 0;
  var t = box.dataset;
  var state = load();
  var socket = null;
  var backoff = 1000;
  var retry = null;
  var lastHeard = Date.now();

  function load() {
    var saved = null;
    try {
      saved = JSON.parse(window.sessionStorage.getItem(STORE) || "null");
    } catch (e) {
      saved = null;
    }
    // Another person on this tab, or a log that restarted: begin from this page.
    if (!saved || saved.user !== user || typeof saved.seq !== "number" || saved.seq > pageSeq) {
      return { user: user, seq: pageSeq, active: {} };
    }
    var now = Date.now();
    Object.keys(saved.active || {}).forEach(function (key) {
      if (now - saved.active[key].at > MAX_AGE) delete saved.active[key];
    });
    return { user: user, seq: saved.seq, active: saved.active || {} };
  }

  function save() {
    try {
      window.sessionStorage.setItem(STORE, JSON.stringify(state));
    } catch (e) {
      /* private mode: banners then last for this page only */
    }
  }

  // --- What a banner says ----------------------------------------------------------

  function describe(alert) {
    var d = alert.data;
    if (alert.kind === "vote") {
      return { title: t.tVote, detail: d.question, context: d.meeting_title, action: t.tVoteAction };
    }
    if (alert.kind === "floor") {
      return { title: t.tFloor, detail: d.item_title, context: d.meeting_title, action: t.tFloorAction };
    }
    var titles = {
      minutes: t.tMinutes,
      minutes_seal: t.tMinutesSeal,
      ballot: t.tBallot,
      draft: t.tDraft,
    };
    return {
      title: titles[d.what] || t.tSign,
      detail: d.title,
      context: "",
      action: d.what === "ballot" ? t.tBallotAction : t.tSignAction,
    };
  }

  function onItsPage(alert) {
    // In the room the vote and the floor show themselves; a banner there would only cover it.
    return alert.kind !== "sign" && pathOf(alert.data.url) === window.location.pathname;
  }

  function render() {
    box.textContent = "";
    Object.keys(state.active)
      .map(function (key) {
        return state.active[key];
      })
      .sort(function (a, b) {
        return b.seq - a.seq;
      })
      .forEach(function (alert) {
        if (!onItsPage(alert)) box.appendChild(banner(alert));
      });
    box.classList.toggle("alerts--on", box.children.length > 0);
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function banner(alert) {
    var words = describe(alert);
    var node = el("div", "alert-banner alert-banner--" + alert.kind);
    node.setAttribute("role", "alert");
    node.dataset.testid = "alert";
    node.dataset.key = alert.key;
    node.dataset.kind = alert.kind;
    var text = el("div", "alert-banner__text");
    text.appendChild(el("strong", "alert-banner__title", words.title));
    // The question and the titles are the record's own words, in whatever language
    // they were written: content, not interface.
    [
      ["alert-banner__detail", words.detail],
      ["alert-banner__context", words.context],
    ].forEach(function (part) {
      if (!part[1]) return;
      var span = el("span", part[0], part[1]);
      span.setAttribute("translate", "no");
      text.appendChild(span);
    });
    node.appendChild(el("span", "alert-banner__icon", alert.kind === "sign" ? "✍" : "!"));
    node.appendChild(text);
    var action = el("a", "btn alert-banner__action", words.action);
    action.href = alert.data.url;
    action.dataset.testid = "alert-action";
    action.addEventListener("click", function () {
      forget(alert.key); // they are on their way: no need to say it again on the next page
    });
    node.appendChild(action);
    var close = el("button", "alert-banner__close", "×");
    close.type = "button";
    close.setAttribute("aria-label", t.tDismiss);
    close.dataset.testid = "alert-dismiss";
    close.addEventListener("click", function () {
      forget(alert.key);
      render();
    });
    node.appendChild(close);
    return node;
  }

  function forget(key) {
    delete state.active[key];
    save();
  }

  // A signature can be made on a page that publishes nothing (a draft is signed on the
  // generic signing page), and a banner kept from an earlier page may be stale: the
  // person's work list (GET /api/me/work) is the truth, so a signature banner whose page
  // is no longer among the duties goes. Only banners older than the fetch are judged.
  // The same look keeps the menu's count of duties, and the home page's list, current.
  function verify(redraw) {
    var asked = state.seq;
    var signs = Object.keys(state.active).filter(function (key) {
      return state.active[key].kind === "sign";
    });
    // On arrival only a signature banner needs judging; after an event, everything does.
    if (!window.fetch || (!redraw && !signs.length)) return;
    window
      .fetch(box.dataset.work, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (work) {
        if (!work || !Array.isArray(work.duties)) return;
        showCount(work.duties.length);
        var open = {};
        work.duties.forEach(function (duty) {
          if (duty.url) open[pathOf(duty.url)] = true;
        });
        var changed = false;
        signs.forEach(function (key) {
          var alert = state.active[key];
          if (alert && alert.seq <= asked && !open[pathOf(alert.data.url)]) {
            delete state.active[key];
            changed = true;
          }
        });
        if (changed) {
          save();
          render();
        }
      })
      .catch(function () {
        /* offline: the banners stay until the next look */
      });
    if (redraw) redrawWork();
  }

  var looking = null;
  function lookSoon() {
    // A vote opening reaches a whole room at once: one look per burst, not per event.
    window.clearTimeout(looking);
    looking = window.setTimeout(function () {
      verify(true);
    }, 400);
  }

  function showCount(n) {
    var count = document.querySelector("[data-testid=work-count]");
    if (!count || String(n) === count.textContent.trim()) return;
    count.textContent = String(n);
    count.classList.toggle("count--unread", n > 0);
  }

  // On the home page the list of duties is drawn by the server: fetch the page again and
  // put its fresh list in place, so a duty that arose or was done shows without a reload.
  function redrawWork() {
    var list = document.querySelector("[data-testid=work]");
    if (!list || !window.DOMParser) return;
    window
      .fetch(window.location.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        return response.ok ? response.text() : null;
      })
      .then(function (html) {
        if (!html) return;
        var fresh = new DOMParser().parseFromString(html, "text/html");
        if (fresh.documentElement.lang !== document.documentElement.lang) {
          // The language was changed in another tab: draw the whole page in it.
          window.location.reload();
          return;
        }
        ["work", "upcoming-meetings"].forEach(function (id) {
          var now = document.querySelector("[data-testid=" + id + "]");
          var then = fresh.querySelector("[data-testid=" + id + "]");
          if (now && then && now.innerHTML !== then.innerHTML) now.replaceWith(then);
        });
      })
      .catch(function () {
        /* offline: the list stays as it was drawn */
      });
  }

  function pathOf(url) {
    return new URL(url, window.location.href).pathname;
  }

  // --- Sound and touch ---------------------------------------------------------------

  var audio = null;
  function attention() {
    if (navigator.vibrate) {
      try {
        navigator.vibrate([200, 100, 200]);
      } catch (e) {
        /* not allowed before a tap on some devices */
      }
    }
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) return;
    try {
      audio = audio || new Context();
      if (audio.state === "suspended") audio.resume();
      [0, 0.25].forEach(function (offset) {
        var osc = audio.createOscillator();
        var gain = audio.createGain();
        osc.frequency.value = 880;
        gain.gain.setValueAtTime(0.2, audio.currentTime + offset);
        gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + offset + 0.18);
        osc.connect(gain).connect(audio.destination);
        osc.start(audio.currentTime + offset);
        osc.stop(audio.currentTime + offset + 0.2);
      });
    } catch (e) {
      /* no sound before the first tap on this page: the banner still shows */
    }
  }
  // Browsers allow sound only after a gesture: the first tap anywhere unlocks it.
  document.addEventListener(
    "pointerdown",
    function () {
      var Context = window.AudioContext || window.webkitAudioContext;
      if (Context && !audio) {
        try {
          audio = new Context();
        } catch (e) {
          audio = null;
        }
      }
    },
    { once: true }
  );

  // --- The stream ------------------------------------------------------------------

  function apply(frame) {
    var kind = RAISING[frame.event];
    var key = frame.data && frame.data.key;
    if (!key) return false;
    if (kind) {
      state.active[key] = { key: key, kind: kind, data: frame.data, seq: frame.seq, at: Date.now() };
      return !onItsPage(state.active[key]);
    }
    if (SETTLING[frame.event]) delete state.active[key];
    return false;
  }

  function receive(message) {
    var frame;
    try {
      frame = JSON.parse(message.data);
    } catch (e) {
      return;
    }
    if (frame.type === "event" && frame.seq > state.seq) {
      var raised = apply(frame);
      state.seq = frame.seq;
      save();
      render();
      lookSoon();
      if (raised) attention();
    } else if ((frame.type === "skip" || frame.type === "resync") && frame.seq > state.seq) {
      state.seq = frame.seq;
      save();
    } else if (frame.type === "ready") {
      backoff = 1000;
      box.dataset.state = "online";
      verify();
    }
  }

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var ws = new WebSocket(scheme + window.location.host + box.dataset.socket);
    socket = ws;
    ws.onopen = function () {
      lastHeard = Date.now();
      ws.send(JSON.stringify({ type: "hello", after: state.seq }));
    };
    ws.onmessage = function (message) {
      lastHeard = Date.now();
      receive(message);
    };
    ws.onclose = function (event) {
      if (socket !== ws) return; // replaced on purpose
      socket = null;
      box.dataset.state = "offline";
      // Signed out or refused: reconnecting would be refused again. The page's own
      // socket or next request leads to the sign-in page.
      if (event.code === 4401 || event.code === 4403) return;
      retry = window.setTimeout(connect, backoff + Math.random() * 500);
      backoff = Math.min(backoff * 2, 30000);
    };
  }

  function drop() {
    var old = socket;
    socket = null;
    if (old) old.close();
    window.clearTimeout(retry);
    box.dataset.state = "offline";
  }

  // A socket on a weak network can die without a word: ping a quiet one, replace a mute one.
  window.setInterval(function () {
    if (!socket || socket.readyState !== WebSocket.OPEN) return;
    var quiet = Date.now() - lastHeard;
    if (quiet > 50000) {
      drop();
      connect();
    } else if (quiet > 20000) {
      socket.send(JSON.stringify({ type: "ping" }));
    }
  }, 10000);
  window.addEventListener("offline", drop);
  window.addEventListener("online", function () {
    drop();
    backoff = 1000;
    connect();
  });

  save();
  render();
  connect();
  window.ecabinetAlerts = {
    get seq() {
      return state.seq;
    },
  };
})();
