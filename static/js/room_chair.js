// e-Cabinet live meeting room: the chair's controls (loaded only for whoever presides).
// Start the meeting (with the reason the rules ask for when there is no quorum), pause,
// resume and close it, open an item, conclude it, give the floor to a chosen speaker,
// open a vote. Starting, closing and opening a vote call the same JSON API as the
// meeting page (meetings/api_live.py, voting/api.py); the others are tablet commands
// (meetings/commands.py) sent through room.js, which resends them after a reconnect.
// A refusal is shown next to the control that was used.
(function () {
  "use strict";

  var root = document.querySelector("[data-testid=room]");
  var room = window.ecabinetRoom;
  if (!root || !room || root.dataset.canChair !== "1") return;
  var L = room.labels;
  var C = L.chair;
  var ui = room.ui;
  var $ = ui.$;
  var meetingId = room.data.meeting_id;

  function showError(testid, message) {
    var node = $(testid);
    if (!node) return;
    node.textContent = message || "";
    ui.show(node, !!message);
  }

  function refusal(testid) {
    return function (error) {
      showError(testid, L.error + ": " + (error.detail || error.code));
    };
  }

  function send(name, args, errorBox, onAck) {
    showError(errorBox, "");
    room.command(name, args, onAck, refusal(errorBox));
  }

  function button(testid, label, attrs) {
    var node = document.createElement("button");
    node.type = "button";
    node.className = "btn btn--small";
    node.dataset.testid = testid;
    node.textContent = label;
    Object.keys(attrs).forEach(function (key) {
      node.dataset[key] = attrs[key];
    });
    return node;
  }

  var busy = false; // a start or a close is on its way

  function draw() {
    var s = room.state;
    var live = s.state === "in_progress";
    var running = live && !s.paused;
    ui.show($("start-meeting"), s.state === "published");
    ui.show($("pause-meeting"), running);
    ui.show($("resume-meeting"), live && s.paused);
    ui.show($("close-meeting"), live);
    $("start-meeting").disabled = busy;
    $("close-meeting").disabled = busy;
    $("pause-meeting").disabled = room.pendingFor("meeting.pause");
    $("resume-meeting").disabled = room.pendingFor("meeting.resume");

    // Open buttons on the agenda (a concluded item does not reopen).
    (s.items || []).forEach(function (item) {
      var row = $("agenda-item-" + item.id);
      if (!row || !running || item.state !== "pending") return;
      var open = button("open-item-" + item.id, C.open_item, {
        chair: "item.open",
        itemId: String(item.id),
      });
      open.disabled = room.pendingFor("item.open");
      row.appendChild(open);
    });

    // A "give the floor" button on each person waiting on the item under discussion.
    var item = room.currentItem();
    if (item && running) {
      item.queue.forEach(function (entry) {
        var row = $("queue-entry-" + entry.user_id);
        if (!row) return;
        var give = button("give-floor-" + entry.user_id, C.give_floor, {
          chair: "speaker.give_floor",
          requestId: String(entry.id),
        });
        give.setAttribute("aria-label", C.give_floor_to.replace("%(name)s", entry.name));
        give.disabled = room.pendingFor("speaker.give_floor");
        row.appendChild(give);
      });
    }

    // The conclusion form stays as typed whatever arrives; it is hidden, never cleared,
    // while there is no open item, and emptied only once the chair's conclusion is taken.
    var form = $("conclude-form");
    ui.show(form, !!item && item.state === "open" && running);
    form.querySelector("[type=submit]").disabled = room.pendingFor("item.close");
    var vote = item ? room.votes[item.id] : null;
    ui.show($("vote-form"), !!item && live && item.state !== "closed" && !(vote && vote.state === "open"));
  }

  root.addEventListener("click", function (event) {
    var node = event.target.closest("button[data-chair]");
    if (!node || node.disabled) return;
    var name = node.dataset.chair;
    if (name === "item.open") {
      send(name, { item_id: Number(node.dataset.itemId) }, "agenda-error");
    } else if (name === "speaker.give_floor") {
      send(name, { request_id: Number(node.dataset.requestId) }, "speaker-error");
    } else {
      send(name, {}, null);
    }
  });

  // Errors of the speaker buttons room.js sends (next, end the speech) show here too.
  root.addEventListener(
    "click",
    function (event) {
      var node = event.target.closest("button[data-action]");
      if (node && node.dataset.action.indexOf("speaker.") === 0) showError("speaker-error", "");
    },
    true
  );

  // --- Starting and closing the meeting ---------------------------------------------

  function meetingCall(path, body) {
    busy = true;
    room.render();
    return room
      .api("POST", "/api/meetings/" + meetingId + path, body)
      .then(function () {
        room.alert("");
        room.refresh(); // the event follows; the snapshot need not wait for it
      })
      .catch(function (error) {
        room.alert(L.error + ": " + error.message);
      })
      .then(function () {
        busy = false;
        room.render();
      });
  }

  // Without a quorum the service refuses to start unless the chair gives a reason;
  // the dialog asks for it with the figures the room shows.
  function start() {
    var quorum = room.state.quorum;
    var options = { confirm: C.start, cancel: C.cancel, message: C.start_confirm };
    if (!quorum.reached) {
      options.message = ui.fill(C.no_quorum, quorum);
      options.reason = true;
    }
    room.confirm(options).then(function (answer) {
      if (!answer.ok) return;
      if (options.reason && !answer.reason) {
        room.alert(C.reason_needed);
        return;
      }
      meetingCall("/start", answer.reason ? { override_reason: answer.reason } : {});
    });
  }

  function close() {
    room
      .confirm({ message: C.close_confirm, confirm: C.close, cancel: C.cancel, danger: true })
      .then(function (answer) {
        if (answer.ok) meetingCall("/close", {});
      });
  }

  $("start-meeting").addEventListener("click", start);
  $("close-meeting").addEventListener("click", close);

  // --- Concluding an item and opening a vote ---------------------------------------

  var conclude = $("conclude-form");
  conclude.addEventListener("submit", function (event) {
    event.preventDefault();
    var item = room.currentItem();
    var input = conclude.elements.conclusion;
    if (!item) return;
    if (!input.value.trim()) {
      input.focus();
      return;
    }
    var args = { item_id: item.id, conclusion: input.value };
    send("item.close", args, "conclude-error", function () {
      input.value = ""; // taken: the text is now the item's conclusion
    });
  });

  var voteForm = $("vote-form");
  voteForm.addEventListener("submit", function (event) {
    event.preventDefault();
    var item = room.currentItem();
    if (!item) return;
    var submit = voteForm.querySelector("[type=submit]");
    submit.disabled = true;
    showError("vote-form-error", "");
    room
      .api("POST", "/api/items/" + item.id + "/votes", {
        question: voteForm.elements.question.value,
        mode: voteForm.elements.mode.value,
        hide_tally: voteForm.elements.hide_tally.checked,
      })
      .then(function (vote) {
        room.storeVote(vote);
        voteForm.reset(); // sent: the chair's input has become the vote
        room.render();
      })
      .catch(function (e) {
        showError("vote-form-error", e.message);
      })
      .then(function () {
        submit.disabled = false;
      });
  });

  root.addEventListener("room:render", draw);
})();
