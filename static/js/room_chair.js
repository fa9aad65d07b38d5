// e-Cabinet live meeting room: the chair's controls (loaded only for whoever presides).
// Open an item, conclude it, pause and resume, give the floor to a chosen speaker; each
// is a tablet command (meetings/commands.py) sent through room.js, which resends it
// after a reconnect. A refusal is shown next to the control that was used.
(function () {
  "use strict";

  var root = document.querySelector("[data-testid=room]");
  var room = window.ecabinetRoom;
  if (!root || !room || root.dataset.canChair !== "1") return;
  var L = room.labels;

  function $(testid) {
    return root.querySelector('[data-testid="' + testid + '"]');
  }
  function show(node, visible) {
    if (node) node.hidden = !visible;
  }

  function showError(testid, message) {
    var node = $(testid);
    if (!node) return;
    node.textContent = message || "";
    show(node, !!message);
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

  function draw() {
    var s = room.state;
    var live = s.state === "in_progress";
    var running = live && !s.paused;
    show($("pause-meeting"), running);
    show($("resume-meeting"), live && s.paused);
    $("pause-meeting").disabled = room.pendingFor("meeting.pause");
    $("resume-meeting").disabled = room.pendingFor("meeting.resume");

    // Open buttons on the agenda (a concluded item does not reopen).
    (s.items || []).forEach(function (item) {
      var row = $("agenda-item-" + item.id);
      if (!row || !running || item.state !== "pending") return;
      var open = button("open-item-" + item.id, L.chair.open_item, {
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
        var give = button("give-floor-" + entry.user_id, L.chair.give_floor, {
          chair: "speaker.give_floor",
          requestId: String(entry.id),
        });
        give.setAttribute("aria-label", L.chair.give_floor_to.replace("%(name)s", entry.name));
        give.disabled = room.pendingFor("speaker.give_floor");
        row.appendChild(give);
      });
    }

    // The conclusion form stays as typed whatever arrives; it is hidden, never cleared,
    // while there is no open item, and emptied only once the chair's conclusion is taken.
    var form = $("conclude-form");
    show(form, !!item && item.state === "open" && running);
    form.querySelector("[type=submit]").disabled = room.pendingFor("item.close");
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

  var form = $("conclude-form");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var item = room.currentItem();
    var input = form.elements.conclusion;
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

  root.addEventListener("room:render", draw);
  draw();
})();
