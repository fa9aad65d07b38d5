// Written ballots: the secretariat's list of recipients refreshes itself.
// The meeting event stream is keyed by meeting, so a ballot polls a small JSON endpoint
// instead. Every page works without this file.
(function () {
  "use strict";
  var box = document.querySelector("[data-live-url]");
  if (!box) return;
  var url = box.dataset.liveUrl;
  var every = 5000;

  function text(el, value) {
    if (el && el.textContent !== value) el.textContent = value;
  }

  function apply(data) {
    text(box.querySelector("[data-live=answered]"), String(data.answered));
    data.rows.forEach(function (row) {
      var tr = box.querySelector('tr[data-member-id="' + row.member_id + '"]');
      if (!tr) return;
      var state = tr.querySelector("[data-live=state] .badge");
      if (state) {
        state.className = "badge badge--" + row.state;
        text(state, row.state_label);
      }
      var when = tr.querySelector("[data-live=submitted]");
      if (when && row.submitted_at && !when.textContent.trim()) {
        text(when, new Date(row.submitted_at).toLocaleString());
      }
    });
    if (data.state !== "open") window.location.reload();
  }

  function poll() {
    if (document.hidden) return window.setTimeout(poll, every);
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data) apply(data); })
      .catch(function () { /* a weak network: try again at the next tick */ })
      .then(function () { window.setTimeout(poll, every); });
  }
  window.setTimeout(poll, every);
})();
