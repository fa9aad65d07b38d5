// The briefcase's outbox (docs/briefcase.md): positions marked and pages read, sealed in
// the store until the network is back, then sent oldest first through the ordinary API
// (PUT /api/items/{id}/position is an upsert, so sending again counts nothing twice;
// POST /api/papers/{id}/reading adds pages to a set). A refusal is shown beside the item
// and dropped; a network failure keeps the rest for the next try.
(function () {
  "use strict";

  window.ecabinetBriefcaseOutbox = function (state, deps) {
    var C = window.ecabinetBriefcaseCrypto;
    var S = window.ecabinetBriefcaseStore;
    var t = document.getElementById("briefcase").dataset;
    var call = deps.call;
    var json = deps.json;
    var render = deps.render;
    var say = deps.say;

    function uuid() {
      if (window.crypto.randomUUID) return window.crypto.randomUUID();
      return Array.prototype.map
        .call(window.crypto.getRandomValues(new Uint8Array(16)), function (b) {
          return ("0" + b.toString(16)).slice(-2);
        })
        .join("");
    }

    function loadOutbox() {
      state.pending = {};
      return S.all("outbox").then(function (records) {
        return Promise.all(
          records.map(function (record) {
            return C.openJSON(state.key, record).then(function (entry) {
              if (entry.kind === "position") state.pending[entry.item_id] = entry;
            });
          })
        );
      });
    }

    function queue(entry) {
      return C.sealJSON(state.key, entry.client_id, entry).then(function (record) {
        return S.put("outbox", record);
      });
    }

    // Sends what waits, oldest first; a network failure stops and keeps the rest for later.
    function flush() {
      if (!state.key || !navigator.onLine || state.signedOut || state.wiping) return Promise.resolve();
      if (state.flushing) return state.flushing;
      state.flushing = S.all("outbox")
        .then(function (records) {
          return Promise.all(
            records.map(function (record) {
              return C.openJSON(state.key, record);
            })
          );
        })
        .then(function (entries) {
          entries.sort(function (a, b) {
            return a.at - b.at;
          });
          return entries.reduce(function (chain, entry) {
            return chain.then(function () {
              return send(entry);
            });
          }, Promise.resolve());
        })
        .catch(function () {
          /* offline again, or signed out: what is left waits */
        })
        .then(function () {
          state.flushing = null;
          render();
        });
      return state.flushing;
    }

    function send(entry) {
      var request =
        entry.kind === "position"
          ? call("PUT", "/api/items/" + entry.item_id + "/position", {
              stance: entry.stance,
              comment: entry.comment,
            })
          : call("POST", "/api/papers/" + entry.paper_id + "/reading", {
              version: entry.version,
              pages: entry.pages.slice(0, 200),
            });
      return request.then(function (response) {
        if (response.status === 401) throw { signedOut: true };
        if (response.status >= 500 || response.status === 429) throw new Error("later");
        return json(response).then(function (data) {
          if (entry.kind === "position") {
            delete state.pending[entry.item_id];
            state.sent[entry.item_id] = response.ok ? "sent" : say(t.tRefused, { detail: data.detail || response.status });
          }
          if (entry.kind === "reading") return settleReading(entry);
          return S.remove("outbox", entry.client_id).then(function () {
            if (response.ok) return setPosition(entry.item_id, { value: entry.stance, note: entry.comment });
          });
        });
      });
    }

    // Pages read while this batch was on its way stay for the next one.
    function settleReading(entry) {
      return S.get("outbox", entry.client_id)
        .then(function (record) {
          return record ? C.openJSON(state.key, record) : null;
        })
        .then(function (now) {
          var left = now
            ? now.pages.filter(function (page) {
                return entry.pages.indexOf(page) < 0;
              })
            : [];
          if (!left.length) return S.remove("outbox", entry.client_id);
          now.pages = left;
          return queue(now);
        });
    }

    // The server has it: the kept manifest says so too, until the next sync brings it.
    function setPosition(itemId, position) {
      if (!state.manifest || !state.key) return Promise.resolve();
      state.manifest.meetings.forEach(function (meeting) {
        (meeting.items || []).forEach(function (item) {
          if (String(item.id) === String(itemId)) item.position = position;
        });
      });
      return C.sealJSON(state.key, "manifest", state.manifest).then(function (record) {
        return S.put("manifest", record);
      });
    }

    function markPosition(form) {
      var itemId = parseInt(form.dataset.item, 10);
      var stance = form.querySelector("input[name=stance]:checked");
      var comment = form.elements.comment.value.trim();
      var error = form.querySelector(".error");
      error.hidden = true;
      if (!stance) return;
      if (stance.value === "object" && !comment) {
        error.textContent = t.tWhy;
        error.hidden = false;
        form.elements.comment.focus();
        return;
      }
      var entry = {
        kind: "position",
        client_id: uuid(),
        item_id: itemId,
        stance: stance.value,
        comment: comment,
        at: Date.now(),
      };
      // A newer choice for the same item replaces the one still waiting.
      var old = state.pending[itemId];
      var drop = old ? S.remove("outbox", old.client_id) : Promise.resolve();
      drop
        .then(function () {
          return queue(entry);
        })
        .then(function () {
          state.pending[itemId] = entry;
          delete state.sent[itemId];
          delete form.dataset.dirty;
          render();
          // After a send under way, if any: that one read the outbox before this entry.
          return (state.flushing || Promise.resolve()).then(flush);
        });
    }

    // Pages read in the reader, merged per paper version until sent.
    function noteReading(paper, page) {
      var id = "reading-" + paper.id + "-" + paper.version;
      return S.get("outbox", id)
        .then(function (record) {
          return record ? C.openJSON(state.key, record) : null;
        })
        .then(function (entry) {
          entry = entry || { kind: "reading", client_id: id, paper_id: paper.id, version: paper.version, pages: [], at: Date.now() };
          if (entry.pages.indexOf(page) < 0) entry.pages.push(page);
          return queue(entry);
        });
    }

    return { load: loadOutbox, flush: flush, mark: markPosition, noteReading: noteReading };
  };
})();
