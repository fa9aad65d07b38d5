// Written ballots: the secretariat's list of recipients follows the answers live.
// The ballot's WebSocket (/ws/ballots/<id>/) says when something happened; the page then
// fetches the snapshot (/api/ballots/<id>/live), which is the truth, so an event that
// never arrives costs nothing but a delay. The snapshot carries the rows, the heading and
// the provisional tally rendered by the server in the page's language and Vietnam time;
// the page swaps in only what changed. While the socket is down the page reconnects
// with back-off and checks the snapshot slowly. Every page works without this file.
(function () {
  "use strict";
  var box = document.querySelector("[data-live-url]");
  if (!box) return;
  var url = box.dataset.liveUrl;
  var status = box.querySelector("[data-live=status]");
  var seq = parseInt(box.dataset.liveSeq || "0", 10) || 0;
  var SLOW_POLL = 30000;
  var backoff = 1000;
  var socket = null;
  var pollTimer = null;
  var fetching = false;
  var again = false;

  function text(el, value) {
    if (el && el.textContent !== value) el.textContent = value;
  }

  function setOnline(online) {
    box.dataset.liveState = online ? "online" : "offline";
    if (status) text(status, online ? status.dataset.onlineText : status.dataset.offlineText);
  }

  // A server-rendered <tr>, parsed where a table row may stand.
  function rowFrom(html) {
    var template = document.createElement("template");
    template.innerHTML = html;
    return template.content.querySelector("tr");
  }

  function replaceRow(tr, html) {
    var fresh = rowFrom(html);
    if (!fresh) return;
    // Keep a reason being typed in this row, and the focus on it.
    var typing = tr.contains(document.activeElement) ? document.activeElement : null;
    var kept = tr.querySelector("input[name=reason]");
    var input = fresh.querySelector("input[name=reason]");
    if (kept && input && kept.value) input.value = kept.value;
    tr.replaceWith(fresh);
    if (typing && typing.name && fresh.querySelector("[name=" + typing.name + "]")) {
      fresh.querySelector("[name=" + typing.name + "]").focus();
    }
  }

  var lastTally = null;

  function apply(data) {
    // A reopened answer adds to the page's list of reopenings: take the whole page, as
    // when the ballot closes (result, report).
    if (data.state !== "open" || String(data.reopened) !== (box.dataset.reopened || "0")) {
      window.location.reload();
      return;
    }
    var heading = box.querySelector("[data-live=answered]");
    if (heading) {
      heading.dataset.answered = String(data.answered);
      text(heading, data.answered_text);
    }
    data.rows.forEach(function (row) {
      var tr = box.querySelector('tr[data-member-id="' + row.member_id + '"]');
      if (tr && row.html && tr.dataset.rev !== row.rev) replaceRow(tr, row.html);
    });
    var tally = document.querySelector("[data-live=tally]");
    if (tally && data.tally_html !== lastTally) {
      tally.innerHTML = data.tally_html;
      lastTally = data.tally_html;
    }
  }

  // One fetch at a time; events arriving meanwhile ask for one more afterwards.
  function refresh() {
    if (fetching) {
      again = true;
      return;
    }
    fetching = true;
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data) apply(data); })
      .catch(function () { /* a weak network: the next event or poll tries again */ })
      .then(function () {
        fetching = false;
        if (again) {
          again = false;
          refresh();
        }
      });
  }

  function slowPoll() {
    if (pollTimer) return;
    pollTimer = window.setInterval(function () {
      if (!document.hidden) refresh();
    }, SLOW_POLL);
  }

  function stopPoll() {
    if (pollTimer) window.clearInterval(pollTimer);
    pollTimer = null;
  }

  // Loading the page again leads to the sign-in page (and back here after); once a
  // minute at most, so a session the server still knows never loops.
  function signInAgain() {
    var key = "ecabinet.signInAgain";
    var last = Number(window.sessionStorage.getItem(key) || 0);
    if (Date.now() - last < 60000) return slowPoll();
    window.sessionStorage.setItem(key, String(Date.now()));
    window.location.reload();
  }

  function connect() {
    if (!("WebSocket" in window)) return slowPoll();
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + window.location.host + box.dataset.liveSocket);
    socket.onopen = function () {
      socket.send(JSON.stringify({ type: "hello", after: seq }));
    };
    socket.onmessage = function (message) {
      var frame;
      try {
        frame = JSON.parse(message.data);
      } catch (e) {
        return;
      }
      if (typeof frame.seq === "number") seq = Math.max(seq, frame.seq);
      if (frame.type === "ready") {
        backoff = 1000;
        stopPoll();
        setOnline(true);
        refresh(); // whatever happened before the socket opened
      } else if (frame.type === "event" || frame.type === "resync") {
        refresh();
      }
    };
    socket.onclose = function (event) {
      socket = null;
      setOnline(false);
      if (event.code === 4401) return signInAgain(); // the session ended
      if (event.code === 4403 || event.code === 4404) {
        return slowPoll(); // not allowed on the socket: do not hammer it
      }
      slowPoll();
      window.setTimeout(connect, backoff + Math.random() * 500);
      backoff = Math.min(backoff * 2, 30000);
    };
  }

  connect();
})();
