// e-Cabinet live meeting room: keeps the page's snapshot current over the meeting's
// WebSocket (docs/events.md). Each event is applied in sequence order by fetching a
// fresh snapshot (simple and always right; a page turn on the screen is also applied at
// once from the event); only display nodes are rewritten, never a form the member is
// filling in. room_chair.js and room_viewer.js build on `window.ecabinetRoom` and
// redraw on the "room:render" event.
(function () {
  "use strict";

  var root = document.querySelector("[data-testid=room]");
  if (!root) return;
  var data = JSON.parse(document.getElementById("room-data").textContent);
  var L = data.labels;
  var meetingId = data.meeting_id;
  var room = {
    seq: JSON.parse(document.getElementById("room-state").textContent).seq,
    state: JSON.parse(document.getElementById("room-state").textContent),
    votes: {}, // by agenda item id: the latest vote on it, as the API shows it
    pending: 0, // commands sent and not yet answered
    presentationSeq: 0, // the event that set state.presentation, when newer than the snapshot
  };
  data.votes.forEach(function (v) {
    room.votes[v.item_id] = v;
  });
  window.ecabinetRoom = room;

  var canChair = root.dataset.canChair === "1";
  var ws = null;
  var ready = false;
  var stopped = false;
  var backoff = 500;
  var retryTimer = null;
  var lastHeard = Date.now();
  var pending = new Map(); // client_id -> {message, onAck}

  function $(testid) {
    return root.querySelector('[data-testid="' + testid + '"]');
  }
  function show(node, visible) {
    if (node) node.hidden = !visible;
  }
  function text(node, value) {
    if (node && node.textContent !== value) node.textContent = value;
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
        stopped = true;
        setConnection("offline");
        alertText(L["closed_" + event.code]);
        return;
      }
      setConnection(navigator.onLine === false ? "offline" : "reconnecting");
      retryTimer = window.setTimeout(connect, backoff);
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
        else refresh();
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
      case "ack":
      case "error":
        settle(message);
        return;
    }
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
          throw error;
        }
        return json;
      });
    });
  }

  var refreshing = null;
  var again = false;
  var votesToFetch = new Set();

  // One fetch at a time; requests that arrive meanwhile are served by one more.
  function refresh() {
    if (refreshing) {
      again = true;
      return;
    }
    var voteIds = Array.from(votesToFetch);
    votesToFetch.clear();
    refreshing = Promise.all(
      [api("GET", "/api/meetings/" + meetingId + "/live")].concat(
        voteIds.map(function (id) {
          return api("GET", "/api/votes/" + id);
        })
      )
    )
      .then(function (results) {
        var fresh = results[0];
        if (fresh.seq < room.presentationSeq) fresh.presentation = room.state.presentation;
        room.state = fresh;
        results.slice(1).forEach(storeVote);
        render();
      })
      .catch(function () {
        voteIds.forEach(function (id) {
          votesToFetch.add(id);
        });
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

  function storeVote(vote) {
    var known = room.votes[vote.item_id];
    if (!known || known.id <= vote.id) room.votes[vote.item_id] = vote;
  }

  function apply(name, payload, seq) {
    if (name.indexOf("vote.") === 0 && payload.vote_id) votesToFetch.add(payload.vote_id);
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
    refresh();
  }

  // --- Secret ballots: the receipt lives only on this tablet ------------------

  function storeKey(kind, voteId) {
    return "ecabinet." + kind + "." + voteId + "." + data.user_id;
  }
  function receiptFor(voteId, create) {
    var key = storeKey("receipt", voteId);
    var receipt = window.localStorage.getItem(key);
    if (!receipt && create) {
      var bytes = window.crypto.getRandomValues(new Uint8Array(16)); // 128 bits
      receipt = btoa(String.fromCharCode.apply(null, bytes))
        .replace(/\+/g, "-")
        .replace(/\//g, "_")
        .replace(/=+$/, "");
      window.localStorage.setItem(key, receipt);
    }
    return receipt;
  }

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

  function render() {
    var s = room.state;
    var live = s.state === "in_progress";
    var stateNode = $("room-meeting-state");
    stateNode.dataset.state = s.state;
    stateNode.className = "badge badge--" + s.state;
    text(stateNode, L.meeting_states[s.state] || s.state);
    show($("room-paused"), s.paused);

    renderQuorum(s.quorum);
    renderAttendance(s);
    var item = currentItem();
    renderItem(item, live && !s.paused);
    renderVote(item, live);
    renderAgenda(s);
    root.dispatchEvent(new CustomEvent("room:render", { detail: room }));
  }

  function renderAgenda(s) {
    listInto($("agenda-list"), s.items || [], function (item) {
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
        conclusion.dataset.testid = "agenda-conclusion-" + item.id;
        conclusion.textContent = item.conclusion;
        node.appendChild(conclusion);
      }
      return node;
    });
  }

  function renderQuorum(quorum) {
    var box = $("quorum");
    box.dataset.reached = quorum.reached ? "1" : "0";
    text($("quorum-present"), String(quorum.present));
    text($("quorum-needed"), String(quorum.needed));
    text($("quorum-members"), String(quorum.members));
    text($("quorum-flag"), quorum.reached ? L.quorum_reached : L.quorum_missing);
  }

  function renderAttendance(s) {
    listInto($("attendance-list"), s.attendance || [], function (a) {
      var node = li("attendee-" + a.user_id, a.name, {
        text: L.attendance[a.status] || a.status,
        cls: "status status--" + a.status,
      });
      node.dataset.status = a.status;
      return node;
    });
    var me = myAttendance();
    var open = s.state === "published" || s.state === "in_progress";
    var checkIn = $("check-in");
    if (checkIn) {
      var sending = pendingFor("attendance.check_in");
      show(checkIn, open && !!me && me.status !== "present");
      checkIn.disabled = sending;
    }
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

    var me = myAttendance();
    var mine = queue.some(function (e) {
      return e.user_id === data.user_id;
    });
    var speaking = speaker && speaker.user_id === data.user_id;
    var mayAsk =
      item && item.state !== "closed" && room.state.me.may_speak && me && me.status === "present";
    var busy = pendingFor("speaker.request") || pendingFor("speaker.withdraw");
    show($("ask-to-speak"), !!mayAsk && !mine && !speaking);
    show($("withdraw"), mine);
    $("ask-to-speak").disabled = busy;
    $("withdraw").disabled = busy;
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

  function countsText(counts) {
    return ["yes", "no", "abstain"]
      .map(function (c) {
        return L.choices[c] + ": " + (counts[c] || 0);
      })
      .join(" · ");
  }

  function renderVote(item, live) {
    var vote = item ? room.votes[item.id] : null;
    var box = $("vote");
    show($("no-vote"), !vote);
    show(box, !!vote);
    if (canChair) {
      var hasOpen = vote && vote.state === "open";
      show($("vote-form"), !!item && live && !hasOpen && item.state !== "closed");
      show($("close-vote"), !!hasOpen);
    }
    if (!vote) return;
    box.dataset.voteId = String(vote.id);
    box.dataset.state = vote.state;
    var open = vote.state === "open";
    text($("vote-state"), open ? L.vote_open : L.vote_closed);
    $("vote-state").className = "badge " + (open ? "badge--in_progress" : "badge--closed");
    text($("vote-mode"), vote.mode === "secret" ? L.secret : L.named);
    $("vote-mode").className = "badge " + (vote.mode === "secret" ? "badge--secret" : "");
    text($("vote-question"), vote.question);

    var sending = pendingFor("vote.cast", function (a) {
      return a.vote_id === vote.id;
    });
    show($("vote-buttons"), open && vote.may_vote);
    var mine = null;
    if (vote.my_ballot) {
      mine = vote.my_ballot.choice || window.localStorage.getItem(storeKey("choice", vote.id));
    }
    root.querySelectorAll("[data-choice]").forEach(function (button) {
      button.disabled = sending;
      button.setAttribute("aria-pressed", button.dataset.choice === mine ? "true" : "false");
    });
    var myNode = $("my-vote");
    myNode.dataset.choice = mine || "";
    if (sending) text(myNode, L.sending);
    else if (mine) text(myNode, L.my_choice + ": " + L.choices[mine]);
    else if (vote.my_ballot) text(myNode, L.voted_secret);
    show(myNode, sending || !!vote.my_ballot);

    var tally = L.cast + ": " + vote.cast + " / " + vote.seats;
    if (vote.counts) tally += " — " + countsText(vote.counts);
    else if (open && vote.hide_tally) tally += " — " + L.tally_hidden;
    text($("vote-tally"), tally);

    var result = $("vote-result");
    show(result, !!vote.result);
    if (vote.result) {
      result.dataset.adopted = vote.result.adopted ? "1" : "0";
      text(result, vote.result.adopted ? L.adopted : L.rejected);
    }
  }

  // --- Actions -----------------------------------------------------------------

  root.addEventListener("click", function (event) {
    var button = event.target.closest("button");
    if (!button || button.disabled) return;
    var item = currentItem();
    if (button.dataset.action) {
      var args = button.dataset.action.indexOf("speaker.") === 0 && item ? { item_id: item.id } : {};
      if (button.dataset.action === "speaker.next" || button.dataset.action === "speaker.finish") {
        args = {};
      }
      command(button.dataset.action, args);
      return;
    }
    if (button.dataset.choice && item && room.votes[item.id]) {
      castVote(room.votes[item.id], button.dataset.choice);
      return;
    }
    if (button.dataset.testid === "close-vote" && item && room.votes[item.id]) {
      closeVote(room.votes[item.id]);
    }
  });

  function castVote(vote, choice) {
    var args = { vote_id: vote.id, choice: choice };
    if (vote.mode === "secret") args.receipt = receiptFor(vote.id, true);
    command("vote.cast", args, function () {
      if (vote.mode === "secret") window.localStorage.setItem(storeKey("choice", vote.id), choice);
      votesToFetch.add(vote.id);
      refresh();
    });
  }

  function closeVote(vote) {
    var button = $("close-vote");
    button.disabled = true;
    var receipt = vote.mode === "secret" ? receiptFor(vote.id, false) : null;
    api("POST", "/api/votes/" + vote.id + "/close", receipt ? { chair_receipt: receipt } : {})
      .then(function (fresh) {
        storeVote(fresh);
        render();
      })
      .catch(function (error) {
        alertText(L.error + ": " + error.message);
      })
      .then(function () {
        button.disabled = false;
      });
  }

  var form = root.querySelector("[data-testid=vote-form]");
  if (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var item = currentItem();
      if (!item) return;
      var submit = form.querySelector("[type=submit]");
      var error = $("vote-form-error");
      submit.disabled = true;
      api("POST", "/api/items/" + item.id + "/votes", {
        question: form.elements.question.value,
        mode: form.elements.mode.value,
        hide_tally: form.elements.hide_tally.checked,
      })
        .then(function (vote) {
          storeVote(vote);
          form.reset(); // sent: the chair's input has become the vote
          show(error, false);
          render();
        })
        .catch(function (e) {
          text(error, e.message);
          show(error, true);
        })
        .then(function () {
          submit.disabled = false;
        });
    });
  }

  // What room_chair.js and room_viewer.js use.
  room.data = data;
  room.labels = L;
  room.command = command;
  room.pendingFor = pendingFor;
  room.currentItem = currentItem;
  room.alert = alertText;
  room.render = render;

  render();
  connect();
})();
