// e-Cabinet live meeting room: the vote in the action bar, and the results once the
// meeting has closed.
//
// An open vote on the item under discussion is always on screen: the question, how long
// it has been open, how many have voted, the choices as large buttons with one's own
// choice pressed. A closed vote says why it passed or failed, with the body's rule in
// words (`result_words`, written by the server: voting/words.py). The chair closes a
// vote from here; when members in the room have not voted, the chair is asked first,
// with the number the server counts at that moment (`present_not_voted`).
(function () {
  "use strict";

  var root = document.querySelector("[data-testid=room]");
  var room = window.ecabinetRoom;
  if (!root || !room) return;
  var L = room.labels;
  var V = L.vote;
  var ui = room.ui;
  var $ = ui.$;
  var canChair = root.dataset.canChair === "1";

  // --- Secret ballots: the receipt lives only on this tablet ------------------

  function storeKey(kind, voteId) {
    return "ecabinet." + kind + "." + voteId + "." + room.data.user_id;
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

  // --- The vote in the bar -------------------------------------------------------

  function countsText(counts) {
    return ["yes", "no", "abstain"]
      .map(function (c) {
        return L.choices[c] + ": " + (counts[c] || 0);
      })
      .join(" · ");
  }

  function tallyText(vote) {
    var tally = V.cast + ": " + vote.cast + " / " + vote.seats;
    if (vote.counts) tally += " — " + countsText(vote.counts);
    else if (vote.state === "open" && vote.hide_tally) tally += " — " + V.tally_hidden;
    return tally;
  }

  function missingText(n) {
    if (n === 0) return V.missing_none;
    return n === 1 ? V.missing_one : ui.fill(V.missing_many, { n: n });
  }

  function shownVote() {
    var s = room.state;
    var item = room.currentItem();
    if (s.state !== "in_progress" || !item) return null;
    return room.votes[item.id] || null;
  }

  function draw() {
    var vote = shownVote();
    var box = $("vote");
    ui.show(box, !!vote);
    root.dataset.voteOpen = vote && vote.state === "open" ? "1" : "0";
    if (!vote) return;
    box.dataset.voteId = String(vote.id);
    box.dataset.state = vote.state;
    var open = vote.state === "open";
    ui.text($("vote-state"), open ? V.open : V.closed);
    $("vote-state").className = "badge " + (open ? "badge--in_progress" : "badge--closed");
    ui.text($("vote-mode"), vote.mode === "secret" ? V.secret : V.named);
    $("vote-mode").className = "badge " + (vote.mode === "secret" ? "badge--secret" : "");
    ui.text($("vote-question"), vote.question);
    ui.text($("vote-tally"), tallyText(vote));
    tick();
    drawChoices(vote, open);
    var result = $("vote-result");
    ui.show(result, !!vote.result);
    if (vote.result) {
      result.dataset.adopted = vote.result.adopted ? "1" : "0";
      ui.text(result, vote.result_words || (vote.result.adopted ? V.adopted : V.rejected));
    }
    if (canChair) drawChair(vote, open);
  }

  function drawChoices(vote, open) {
    var sending = room.pendingFor("vote.cast", function (a) {
      return a.vote_id === vote.id;
    });
    ui.show($("vote-buttons"), open && vote.may_vote);
    var mine = null;
    if (vote.my_ballot) {
      mine = vote.my_ballot.choice || window.localStorage.getItem(storeKey("choice", vote.id));
    }
    root.querySelectorAll("button[data-choice]").forEach(function (button) {
      button.disabled = sending;
      button.setAttribute("aria-pressed", button.dataset.choice === mine ? "true" : "false");
    });
    var myNode = $("my-vote");
    myNode.dataset.choice = mine || "";
    var words = "";
    if (sending) words = L.sending;
    else if (mine) words = V.my_choice + ": " + L.choices[mine];
    else if (vote.my_ballot) words = V.voted_secret;
    else if (open && vote.may_vote) words = V.not_voted_yet;
    ui.text(myNode, words);
    ui.show(myNode, !!words);
    myNode.dataset.voted = vote.my_ballot || mine ? "1" : "0";
  }

  function drawChair(vote, open) {
    var close = $("close-vote");
    ui.show(close, open);
    var missing = $("present-not-voted");
    var n = vote.present_not_voted;
    ui.show(missing, open && typeof n === "number");
    if (open && typeof n === "number") {
      ui.text(missing, missingText(n));
      missing.dataset.count = String(n);
    }
  }

  // How long the vote has been open, counted on the tablet from the server's time.
  function tick() {
    var vote = shownVote();
    var node = $("vote-clock");
    var open = !!vote && vote.state === "open" && !!vote.opened_at;
    ui.show(node, open);
    if (open) {
      var elapsed = ui.clock((Date.now() - Date.parse(vote.opened_at)) / 1000);
      ui.text(node, ui.fill(V.open_for, { time: elapsed }));
    }
  }
  window.setInterval(tick, 1000);

  // --- Casting and closing -------------------------------------------------------

  function castVote(vote, choice) {
    var args = { vote_id: vote.id, choice: choice };
    if (vote.mode === "secret") args.receipt = receiptFor(vote.id, true);
    room.command("vote.cast", args, function () {
      if (vote.mode === "secret") window.localStorage.setItem(storeKey("choice", vote.id), choice);
      room.fetchVote(vote.id);
    });
  }

  // The count is asked of the server at the moment of closing, not taken from the page:
  // a member may have just checked in or voted.
  function closeVote(vote) {
    var button = $("close-vote");
    button.disabled = true;
    room
      .api("GET", "/api/votes/" + vote.id)
      .then(function (fresh) {
        room.storeVote(fresh);
        room.render();
        var n = fresh.present_not_voted || 0;
        if (fresh.state !== "open") return false;
        if (n === 0) return true;
        return room
          .confirm({
            message: n === 1 ? V.confirm_one : ui.fill(V.confirm_many, { n: n }),
            confirm: V.close,
            cancel: V.keep_open,
            danger: true,
          })
          .then(function (answer) {
            return answer.ok;
          });
      })
      .then(function (go) {
        if (!go) return null;
        var receipt = vote.mode === "secret" ? receiptFor(vote.id, false) : null;
        return room.api("POST", "/api/votes/" + vote.id + "/close", receipt ? { chair_receipt: receipt } : {});
      })
      .then(function (closed) {
        if (closed) {
          room.storeVote(closed);
          room.render();
        }
      })
      .catch(function (error) {
        room.alert(L.error + ": " + error.message);
      })
      .then(function () {
        button.disabled = false;
      });
  }

  root.addEventListener("click", function (event) {
    var button = event.target.closest("button");
    if (!button || button.disabled) return;
    var vote = shownVote();
    if (!vote) return;
    if (button.dataset.choice && button.closest("[data-testid=vote-buttons]")) {
      castVote(vote, button.dataset.choice);
    } else if (button.dataset.testid === "close-vote") {
      closeVote(vote);
    }
  });

  // --- After the close: each item's conclusion and every vote's result ---------------

  function para(cls, testid, words, content) {
    var node = document.createElement("p");
    node.className = cls;
    if (content) node.setAttribute("translate", "no"); // the chair's words, not the interface's
    if (testid) node.dataset.testid = testid;
    node.textContent = words;
    return node;
  }

  function resultEntry(vote) {
    var node = document.createElement("div");
    node.className = "result-vote";
    node.dataset.testid = "result-vote-" + vote.id;
    node.dataset.adopted = vote.result ? (vote.result.adopted ? "1" : "0") : "";
    node.appendChild(para("result-vote__question", null, vote.question, true));
    node.appendChild(para("result-vote__tally", null, tallyText(vote)));
    if (vote.result_words) node.appendChild(para("result-vote__words", "result-words-" + vote.id, vote.result_words));
    return node;
  }

  function drawResults() {
    var closed = room.state.state === "closed";
    ui.show($("room-results"), closed);
    if (!closed) return;
    var votes = Object.keys(room.allVotes)
      .map(function (id) {
        return room.allVotes[id];
      })
      .sort(function (a, b) {
        return a.id - b.id;
      });
    ui.listInto($("results-list"), room.state.items || [], function (item) {
      var node = document.createElement("li");
      node.dataset.testid = "result-item-" + item.id;
      var title = document.createElement("h3");
      title.setAttribute("translate", "no");
      title.textContent = item.order + ". " + item.title;
      node.appendChild(title);
      node.appendChild(
        para(
          "result-conclusion",
          "result-conclusion-" + item.id,
          item.conclusion || V.no_conclusion,
          !!item.conclusion
        )
      );
      var mine = votes.filter(function (v) {
        return v.item_id === item.id;
      });
      if (!mine.length) node.appendChild(para("muted", null, V.no_votes));
      mine.forEach(function (vote) {
        node.appendChild(resultEntry(vote));
      });
      return node;
    });
  }

  root.addEventListener("room:render", function () {
    draw();
    drawResults();
  });
})();
