// e-Cabinet live meeting room: keeps the page's snapshot current over the meeting's
// WebSocket (docs/events.md). Each event is applied in sequence order by fetching a
// fresh snapshot (simple and always right; a page turn on the screen is also applied at
// once from the event), except a vote's, which is applied from the event itself where it
// can be (`applyVote`); only display nodes are rewritten, never a form the member is
// filling in.
//
// The page is built for a tablet held in one hand: what needs a hand (check-in, asking
// to speak, following the screen, the open vote, the chair's start/pause/close) is in
// the action bar pinned to the bottom of the screen, and the folds (queue, agenda,
// attendance) start open only where there is room. room_vote.js, room_chair.js and
// room_viewer.js build on `window.ecabinetRoom` and redraw on the "room:render" event.
(function () {
  "use strict";

  var root = document.querySelector("[data-testid=room]");
  if (!root) return;
  var data = JSON.parse(document.getElementById("room-data").textContent);
  var L = data.labels;
  var meetingId = data.meeting_id;
  var snapshot = JSON.parse(document.getElementById("room-state").textContent);
  var room = {
    seq: snapshot.seq,
    state: snapshot,
    votes: {}, // by agenda item id: the latest vote on it, as the API shows it
    allVotes: {}, // by vote id: every vote this tablet knows of (the results after the close)
    pending: 0, // commands sent and not yet answered
    presentationSeq: 0, // the event that set state.presentation, when newer than the snapshot
  };
  window.ecabinetRoom = room;

  var canChair = root.dataset.canChair === "1";
  var ws = null;
  var ready = false;
  var stopped = false;
  var backoff = 500;
  var retryTimer = null;
  var lastHeard = Date.now();
  var pending = new Map(); // client_id -> {message, onAck, onError}

  // --- Small helpers the other room scripts share -------------------------------

  function $(testid) {
    return root.querySelector('[data-testid="' + testid + '"]');
  }
  function show(node, visible) {
    if (node) node.hidden = !visible;
  }
  function text(node, value) {
    if (node && node.textContent !== value) node.textContent = value;
  }
  function fill(template, values) {
    return template.replace(/%\((\w+)\)[sd]/g, function (whole, key) {
      return key in values ? String(values[key]) : whole;
    });
  }
  function clock(seconds) {
    seconds = Math.max(0, Math.floor(seconds));
    var m = Math.floor(seconds / 60);
    var s = seconds % 60;
    return m + ":" + (s < 10 ? "0" : "") + s;
  }
  function listInto(node, entries, build) {
    var fragment = document.createDocumentFragment();
    entries.forEach(function (entry) {
      fragment.appendChild(build(entry));
    });
    node.replaceChildren(fragment);
  }
  function li(testid, label, extra) {
    var node = document.createElement("li");
    node.dataset.testid = testid;
    var name = document.createElement("span");
    name.className = "name";
    name.setAttribute("translate", "no"); // a person's name or an item's title: content
    name.textContent = label;
    node.appendChild(name);
    if (extra) {
      var badge = document.createElement("span");
      badge.className = "badge " + (extra.cls || "");
      badge.textContent = extra.text;
      node.appendChild(badge);
    }
    return node;
  }

  // --- Connection --------------------------------------------------------------

  function setConnection(state) {
    var node = $("connection");
    node.dataset.state = state;
    text(node, L[state]);
  }

  var alertFromCommand = false;
  function alertText(message) {
    alertFromCommand = false;
    var node = $("room-alert");
    text(node, message || "");
    show(node, !!message);
  }

  function signInAgain() {
    // Once a minute at most, so a session the server still knows never loops.
    var key = "ecabinet.signInAgain";
    var last = Number(window.sessionStorage.getItem(key) || 0);
    if (Date.now() - last < 60000) return;
    window.sessionStorage.setItem(key, String(Date.now()));
    window.setTimeout(function () {
      window.location.reload();
    }, 2000);
  }

  function connect() {
    window.clearTimeout(retryTimer);
    if (stopped) return;
    var scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
    var socket = new WebSocket(scheme + "//" + window.location.host + "/ws/meetings/" + meetingId + "/");
    ws = socket;
    ready = false;
    setConnection("reconnecting");
    socket.onopen = function () {
      lastHeard = Date.now();
      socket.send(JSON.stringify({ type: "hello", after: room.seq }));
    };
    socket.onmessage = function (event) {
      if (socket !== ws) return;
      lastHeard = Date.now();
      var message;
      try {
        message = JSON.parse(event.data);
      } catch (e) {
        return;
      }
      handle(message);
    };
    socket.onclose = function (event) {
      if (socket !== ws) return;
      ws = null;
      ready = false;
      if (event.code === 4401 || event.code === 4403) {
        // Refused, not dropped: reconnecting would be refused again. A page whose session
        // ended is loaded again, which leads to the sign-in page (and back here after).
        stopped = true;
        setConnection("offline");
        alertText(L["closed_" + event.code]);
        if (event.code === 4401) signInAgain();
        return;
      }
      setConnection(navigator.onLine === false ? "offline" : "reconnecting");
      // Spread over half to one and a half times the back-off: a room whose server
      // restarted does not come back in step, hundreds of handshakes in the same instant.
      retryTimer = window.setTimeout(connect, backoff * (0.5 + Math.random()));
      backoff = Math.min(backoff * 2, 10000);
    };
  }

  // Drop the socket and say hello again from the last event applied.
  function reconnect(delay) {
    var old = ws;
    ws = null;
    ready = false;
    if (old) old.close();
    window.clearTimeout(retryTimer);
    retryTimer = window.setTimeout(connect, delay || 0);
  }

  // A socket on a weak network can die silently: ping, and give up on one that is mute.
  window.setInterval(function () {
    if (!ws || !ready) return;
    var quiet = Date.now() - lastHeard;
    if (quiet > 25000) reconnect(0);
    else if (quiet > 10000) ws.send(JSON.stringify({ type: "ping" }));
  }, 5000);

  window.addEventListener("offline", function () {
    if (stopped) return;
    var old = ws;
    ws = null;
    ready = false;
    if (old) old.close();
    window.clearTimeout(retryTimer);
    setConnection("offline");
  });
  window.addEventListener("online", function () {
    if (stopped) return;
    backoff = 500;
    reconnect(0);
  });

  function handle(message) {
    switch (message.type) {
      case "event":
      case "skip":
        if (message.seq <= room.seq) return; // seen already
        if (message.seq !== room.seq + 1) {
          reconnect(0); // a gap: ask again from the last applied
          return;
        }
        room.seq = message.seq;
        root.dataset.seq = String(room.seq);
        if (message.type === "event") apply(message.event, message.data || {}, message.seq);
        // Something this viewer may not see happened (a guest: another item was opened,
        // say); the snapshot shows what it changed for them, without saying what it was.
        else refreshRoom();
        return;
      case "resync":
        window.location.reload();
        return;
      case "ready":
        ready = true;
        backoff = 500;
        setConnection("online");
        alertText("");
        pending.forEach(function (entry) {
          ws.send(JSON.stringify(entry.message));
        });
        return;
      case "pong":
        // `head` is the stream's last committed event, read from the log; the server
        // has sent everything up to it before this pong. Still behind: ask again.
        if (typeof message.head === "number" && message.head > room.seq) reconnect(0);
        return;
      case "error":
        if (message.code === "unavailable" && !message.client_id) {
          unavailable(message.retry_after);
          return;
        }
        settle(message);
        return;
      case "ack":
        settle(message);
        return;
    }
  }

  // The server cannot reach its database for a moment (a restart): the socket stays
  // open and live, and the commands not yet answered are sent again on it after
  // `retry_after`, spread over half to one and a half times it, with their client_ids.
  var resendTimer = null;
  function unavailable(seconds) {
    alertText(L.unavailable);
    alertFromCommand = true; // the next answer clears it
    window.clearTimeout(resendTimer);
    resendTimer = window.setTimeout(
      function () {
        if (!ws || !ready) return; // reconnecting sends them once ready
        pending.forEach(function (entry) {
          ws.send(JSON.stringify(entry.message));
        });
      },
      (seconds || 1) * 1000 * (0.5 + Math.random())
    );
  }

  // --- Commands ----------------------------------------------------------------

  function newId() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    var bytes = window.crypto.getRandomValues(new Uint8Array(16));
    return Array.prototype.map
      .call(bytes, function (b) {
        return ("0" + b.toString(16)).slice(-2);
      })
      .join("");
  }

  // Sent now if the socket is ready, else once it is; resent with the same client_id
  // after every reconnect until answered, so the server runs it once.
  function command(name, args, onAck, onError) {
    var message = { type: "command", client_id: newId(), name: name, args: args || {} };
    pending.set(message.client_id, { message: message, onAck: onAck, onError: onError });
    room.pending = pending.size;
    if (ws && ready) ws.send(JSON.stringify(message));
    render();
    return message.client_id;
  }

  function settle(message) {
    var entry = message.client_id && pending.get(message.client_id);
    if (message.type === "error") {
      alertText(L.error + ": " + (message.detail || message.code));
      alertFromCommand = true;
    } else if (alertFromCommand) {
      alertText(""); // an action went through: the last refusal is history
    }
    if (!entry) return;
    pending.delete(message.client_id);
    room.pending = pending.size;
    if (message.type === "ack" && entry.onAck) entry.onAck(message.result || {});
    if (message.type === "error" && entry.onError) entry.onError(message);
    render();
  }

  function pendingFor(name, predicate) {
    var found = false;
    pending.forEach(function (entry) {
      if (entry.message.name === name && (!predicate || predicate(entry.message.args))) {
        found = true;
      }
    });
    return found;
  }

  // --- Fetching ----------------------------------------------------------------

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function api(method, path, body) {
    var init = { method: method, credentials: "same-origin", headers: { Accept: "application/json" } };
    if (method !== "GET") {
      init.headers["Content-Type"] = "application/json";
      init.headers["X-CSRFToken"] = csrfToken();
      init.body = JSON.stringify(body || {});
    }
    return fetch(path, init).then(function (response) {
      return response.json().then(function (json) {
        if (!response.ok) {
          var error = new Error(json.detail || response.statusText);
          error.fields = json.fields || {};
          error.status = response.status;
          throw error;
        }
        return json;
      });
    });
  }

  var refreshing = null;
  var again = false;
  var liveWanted = false; // the room's snapshot (`/live`) is to be fetched
  var votesToFetch = new Set(); // and these votes (`/api/votes/<id>`)

  // One fetch at a time; requests that arrive meanwhile are served by one more.
  function refresh() {
    if (refreshing) {
      again = true;
      return;
    }
    var wantLive = liveWanted;
    var voteIds = Array.from(votesToFetch);
    liveWanted = false;
    votesToFetch.clear();
    if (!wantLive && !voteIds.length) return;
    refreshing = Promise.all(
      [wantLive ? api("GET", "/api/meetings/" + meetingId + "/live") : null].concat(
        voteIds.map(function (id) {
          return api("GET", "/api/votes/" + id);
        })
      )
    )
      .then(function (results) {
        var fresh = results[0];
        if (fresh) {
          if (fresh.seq < room.presentationSeq) fresh.presentation = room.state.presentation;
          room.state = fresh;
        }
        results.slice(1).forEach(storeVote);
        render();
      })
      .catch(function () {
        voteIds.forEach(function (id) {
          votesToFetch.add(id);
        });
        if (wantLive) liveWanted = true;
        again = true;
      })
      .then(function () {
        refreshing = null;
        if (again) {
          again = false;
          window.setTimeout(refresh, 300);
        }
      });
  }

  function refreshRoom() {
    liveWanted = true;
    refresh();
  }

  function storeVote(vote) {
    room.allVotes[vote.id] = vote;
    var known = room.votes[vote.item_id];
    if (!known || known.id <= vote.id) room.votes[vote.item_id] = vote;
  }
  data.votes.forEach(storeVote);

  function openVote() {
    var item = currentItem();
    var vote = item && room.votes[item.id];
    return vote && vote.state === "open" ? vote : null;
  }

  // Whether a named ballot in a vote event is this tablet's own: cast by this person,
  // or for the member they sit for (a deputy; a ballot the secretariat recorded by hand).
  function mine(ballot) {
    var me = data.user_id;
    var seat = room.state.me ? room.state.me.acting_for_id : null;
    return ballot.member_id === me || ballot.cast_by_id === me || (!!seat && ballot.member_id === seat);
  }

  // A vote's events change that vote only, never the rest of the room: each is applied
  // from the event where it says all this tablet shows, and the vote is fetched
  // (`/api/votes/<id>`) only where it does not. In a room of hundreds voting at once,
  // a fetch by every tablet after every batch of ballots would be hundreds of requests
  // each time, all asking what the event already said.
  function applyVote(name, payload) {
    var id = payload.vote_id;
    var known = room.allVotes[id];
    var seesAll = canChair || !!(room.state.me && room.state.me.can_manage);
    if (!known || (name !== "vote.tally_changed" && name.indexOf("vote.ballot") !== 0)) {
      votesToFetch.add(id); // opened, closed, or a vote this page has not seen yet
    } else if (name === "vote.tally_changed") {
      // The chair and the secretariat also see hidden counts and who has not voted yet.
      if (seesAll) votesToFetch.add(id);
      else {
        known.cast = payload.cast;
        known.counts = payload.counts;
        render();
      }
    } else {
      // vote.ballot_cast, vote.ballots_cast: the tally follows in its own event, so only
      // this tablet's own ballot (`my_ballot`) is fetched.
      var ballots = payload.member_ids
        ? payload.member_ids.map(function (memberId) {
            return { member_id: memberId };
          })
        : [payload];
      if (ballots.some(mine)) votesToFetch.add(id);
    }
    refresh();
  }

  function apply(name, payload, seq) {
    if (name.indexOf("vote.") === 0 && payload.vote_id) {
      applyVote(name, payload);
      return;
    }
    // Who is in the room changes how many present members have not voted (the chair's
    // count before closing a vote).
    if (name === "attendance.changed" && canChair && openVote()) votesToFetch.add(openVote().id);
    if (name === "presentation.moved") {
      // Page turns must feel instant on every tablet: shown now, the snapshot follows.
      room.state.presentation = {
        paper_id: payload.paper_id,
        agenda_item_id: payload.agenda_item_id,
        page: payload.page,
        by_user_id: payload.by_user_id,
      };
      room.presentationSeq = seq;
      render();
    }
    refreshRoom();
  }

  // --- A confirmation that names what is at stake --------------------------------

  // Resolves with {ok, reason}. A modal <dialog>: the tablet's own confirm() box cannot
  // be styled for a finger nor hold a reason. Its buttons are plain buttons, not a form's:
  // the page-wide one-tap guard (ecabinet.js) would disable a submitted form's buttons.
  function confirmDialog(options) {
    var dialog = $("confirm-dialog");
    var reasonBox = $("confirm-reason-box");
    var reason = $("confirm-reason");
    text($("confirm-text"), options.message);
    text($("confirm-ok"), options.confirm);
    text($("confirm-cancel"), options.cancel);
    $("confirm-ok").className = "btn " + (options.danger ? "btn--danger-solid" : "btn--primary");
    show(reasonBox, !!options.reason);
    show($("confirm-error"), false);
    reason.value = "";
    return new Promise(function (resolve) {
      function done() {
        dialog.removeEventListener("close", done);
        resolve({ ok: dialog.returnValue === "ok", reason: reason.value.trim() });
      }
      dialog.returnValue = "";
      dialog.addEventListener("close", done);
      dialog.showModal();
      if (options.reason) reason.focus();
      else $("confirm-cancel").focus(); // the safe answer is the one a stray tap gives
    });
  }

  root.querySelectorAll("[data-testid=confirm-ok], [data-testid=confirm-cancel]").forEach(
    function (button) {
      button.addEventListener("click", function () {
        $("confirm-dialog").close(button.value);
      });
    }
  );

  // --- Rendering ---------------------------------------------------------------

  function currentItem() {
    var id = room.state.current_item_id;
    return (room.state.items || []).filter(function (i) {
      return i.id === id;
    })[0];
  }

  function myAttendance() {
    return (room.state.attendance || []).filter(function (a) {
      return a.user_id === data.user_id;
    })[0];
  }

  function itemTitle(id) {
    var entry = (room.state.items || []).filter(function (i) {
      return i.id === id;
    })[0];
    return entry ? entry.order + ". " + entry.title : "";
  }

  function render() {
    var s = room.state;
    root.dataset.state = s.state;
    var stateNode = $("room-meeting-state");
    stateNode.dataset.state = s.state;
    stateNode.className = "badge badge--" + s.state;
    text(stateNode, L.meeting_states[s.state] || s.state);
    show($("room-paused"), s.paused);
    show($("room-starts-at"), s.state === "published");

    renderQuorum(s.quorum);
    renderAttendance(s);
    var item = currentItem();
    show($("room-item"), s.state === "in_progress");
    renderItem(item, s.state === "in_progress" && !s.paused);
    renderAgenda(s);
    renderBar(s, item);
    root.dispatchEvent(new CustomEvent("room:render", { detail: room }));
    fitBar();
  }

  function renderAgenda(s) {
    var items = s.items || [];
    listInto($("agenda-list"), items, function (item) {
      var node = li("agenda-item-" + item.id, item.order + ". " + item.title, {
        text: L.item_states[item.state] || item.state,
        cls: "item-state item-state--" + item.state,
      });
      node.dataset.state = item.state;
      node.dataset.itemId = String(item.id);
      if (item.id === s.current_item_id) node.setAttribute("aria-current", "true");
      if (item.conclusion) {
        var conclusion = document.createElement("p");
        conclusion.className = "agenda-conclusion";
        conclusion.setAttribute("translate", "no");
        conclusion.dataset.testid = "agenda-conclusion-" + item.id;
        conclusion.textContent = item.conclusion;
        node.appendChild(conclusion);
      }
      return node;
    });
    var done = items.filter(function (i) {
      return i.state === "closed";
    }).length;
    text($("agenda-count"), fill(L.concluded_of, { done: done, all: items.length }));
  }

  function renderQuorum(quorum) {
    $("quorum").dataset.reached = quorum.reached ? "1" : "0";
    text($("quorum-present"), String(quorum.present));
    text($("quorum-needed"), String(quorum.needed));
    text($("quorum-members"), String(quorum.members));
    text($("quorum-flag"), quorum.reached ? L.quorum_reached : L.quorum_missing);
    var count = $("attendance-count");
    text(count, fill(L.present_of, quorum));
    count.dataset.reached = quorum.reached ? "1" : "0";
  }

  // Before the start nobody is absent yet: they have not checked in.
  function statusLabel(status, meetingState) {
    if (status === "absent" && meetingState === "published") return L.attendance.not_checked_in;
    return L.attendance[status] || status;
  }

  function renderAttendance(s) {
    listInto($("attendance-list"), s.attendance || [], function (a) {
      var node = li("attendee-" + a.user_id, a.name, {
        text: statusLabel(a.status, s.state),
        cls: "status status--" + a.status,
      });
      node.dataset.status = a.status;
      return node;
    });
  }

  var timerStart = null;

  function renderItem(item, running) {
    var title = $("current-item");
    title.dataset.itemId = item ? String(item.id) : "";
    text(title, item ? itemTitle(item.id) : L.no_item);
    text(
      $("current-item-state"),
      item ? (L.item_states[item.state] || item.state) + (item.conclusion ? " — " + item.conclusion : "") : ""
    );
    var speaker = item && item.speaker;
    var speakerNode = $("current-speaker");
    speakerNode.dataset.userId = speaker ? String(speaker.user_id) : "";
    text(speakerNode, speaker ? speaker.name : L.no_speaker);
    timerStart = speaker && speaker.started_at ? Date.parse(speaker.started_at) : null;
    tick();

    var queue = item ? item.queue : [];
    listInto($("speaker-queue"), queue, function (entry) {
      return li("queue-entry-" + entry.user_id, entry.name);
    });
    show($("speaker-queue"), queue.length > 0);
    show($("queue-empty"), queue.length === 0);
    text($("queue-count"), String(queue.length));
    if (canChair) {
      show($("next-speaker"), !!item && running && queue.length > 0);
      show($("finish-speaker"), !!speaker);
      $("next-speaker").disabled = pendingFor("speaker.next");
    }
  }

  function tick() {
    var node = $("speaker-timer");
    show(node, timerStart !== null);
    if (timerStart !== null) text(node, clock((Date.now() - timerStart) / 1000));
  }
  window.setInterval(tick, 1000);

  // The bar: the member's own part (check in, ask to speak) and a line saying where the
  // meeting stands; the vote and the chair's controls are drawn by their own scripts.
  function renderBar(s, item) {
    var me = myAttendance();
    var here = !!me && me.status === "present";
    var open = s.state === "published" || s.state === "in_progress";
    var checkIn = $("check-in");
    if (checkIn) {
      show(checkIn, open && !!me && !here);
      checkIn.disabled = pendingFor("attendance.check_in");
    }
    var queue = item ? item.queue : [];
    var waiting = queue.some(function (e) {
      return e.user_id === data.user_id;
    });
    var speaking = !!(item && item.speaker && item.speaker.user_id === data.user_id);
    var mayAsk = s.state === "in_progress" && item && item.state !== "closed" && s.me.may_speak && here;
    var busy = pendingFor("speaker.request") || pendingFor("speaker.withdraw");
    show($("ask-to-speak"), !!mayAsk && !waiting && !speaking);
    show($("withdraw"), s.state === "in_progress" && waiting);
    $("ask-to-speak").disabled = busy;
    $("withdraw").disabled = busy;
    show($("action-bar"), s.state !== "closed");

    var status = [];
    if (s.state === "published") status.push(L.bar.not_started, data.starts_at_text);
    if (s.state === "in_progress" && s.paused) status.push(L.bar.paused);
    if (s.state === "closed") status.push(L.bar.ended);
    if (open && me) status.push(here ? L.bar.checked_in : L.bar.not_checked_in);
    if (speaking) status.push(L.bar.speaking);
    else if (waiting) status.push(L.bar.waiting);
    text($("bar-status"), status.join(" · "));
  }

  // The bar is pinned over the page: the page ends above it, so nothing hides beneath.
  var bar = $("action-bar");
  function fitBar() {
    var height = bar.hidden ? 0 : bar.offsetHeight;
    document.body.style.paddingBottom = height ? height + 16 + "px" : "";
  }
  if (window.ResizeObserver) new ResizeObserver(fitBar).observe(bar);
  window.addEventListener("resize", fitBar);

  // Folds start open where there is room (landscape), folded in portrait; the chair's
  // queue is always open. After that they stay as the person leaves them.
  var wide = window.matchMedia("(min-width: 960px)").matches;
  root.querySelectorAll("details[data-open-for]").forEach(function (node) {
    node.open = node.dataset.openFor === "all" || wide;
  });

  // --- Actions -----------------------------------------------------------------

  root.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-action]");
    if (!button || button.disabled) return;
    var item = currentItem();
    var name = button.dataset.action;
    var args = {};
    if ((name === "speaker.request" || name === "speaker.withdraw") && item) {
      args = { item_id: item.id };
    }
    command(name, args);
  });

  // What room_vote.js, room_chair.js and room_viewer.js use.
  room.data = data;
  room.labels = L;
  room.ui = { $: $, show: show, text: text, fill: fill, clock: clock, listInto: listInto, li: li };
  room.api = api;
  room.command = command;
  room.pendingFor = pendingFor;
  room.currentItem = currentItem;
  room.itemTitle = itemTitle;
  room.openVote = openVote;
  room.storeVote = storeVote;
  room.fetchVote = function (id) {
    votesToFetch.add(id);
    refresh();
  };
  room.refresh = refreshRoom;
  room.confirm = confirmDialog;
  room.alert = alertText;
  room.render = render;

  // The other scripts load after this one (all deferred, in order): draw once they have
  // subscribed to "room:render".
  window.addEventListener("DOMContentLoaded", function () {
    render();
    connect();
  });
})();
