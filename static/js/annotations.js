// e-Cabinet: notes on a paper in the reader (highlights, ink, text notes; docs/annotations.md).
//
// Listens to the reader's `reader:page` event (static/js/reader.js) and draws an SVG layer
// over the page with the member's own notes and those shared with them (the author named).
// Coordinates are PDF points on the page as shown, from its top-left corner: CSS pixels
// divided by the reader's scale, so a note drawn on a tablet sits in the same place on a
// laptop. A note is saved with PUT /api/annotations/<client id>; a note made without
// network waits in an outbox (IndexedDB `ecabinet-annotations`, so a briefcase wipe takes
// it too) and is sent when back online: the client id makes a second send harmless.
// Notes shared with the member arrive live on their person stream (/ws/me/).
(function () {
  "use strict";

  var root = document.querySelector("[data-testid=reader][data-paper-id]");
  var tools = document.querySelector("[data-testid=reader-tools]");
  var labelsNode = document.getElementById("annotation-labels");
  if (!root || !tools || !labelsNode) return;

  var L = labelsNode.dataset;
  var paperId = Number(root.dataset.paperId);
  var version = Number(root.dataset.version);
  var me = Number(labelsNode.dataset.user);
  var SVG = "http://www.w3.org/2000/svg";
  var COLOURS = { highlight: "#ffd400", ink: "#d0021b", note: "#f5a623" };

  var notes = {}; // key "<author id>:<client id>" -> note as the API shows it
  var shown = null; // the last reader:page detail
  var mode = null; // "ink" | "note" | null
  var selected = null; // key of the note picked
  var lastSelection = null; // {page, rects} of the latest text selection on the page
  var seq = 0;
  var socket = null;
  var backoff = 1000;

  // --- Small helpers ---------------------------------------------------------------

  function el(tag, className, attrs, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    Object.keys(attrs || {}).forEach(function (name) {
      node.setAttribute(name, attrs[name]);
    });
    if (text) node.textContent = text;
    return node;
  }

  function svg(tag, attrs) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attrs || {}).forEach(function (name) {
      node.setAttribute(name, attrs[name]);
    });
    return node;
  }

  function keyOf(note) {
    return note.author_id + ":" + note.client_id;
  }

  function uuid() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    var b = window.crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.from(b, function (x) {
      return (x + 256).toString(16).slice(1);
    }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function api(method, url, body) {
    var init = {
      method: method,
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": csrfToken() },
    };
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    return window.fetch(url, init);
  }

  function say(message, isError) {
    ui.status.textContent = message || "";
    ui.status.classList.toggle("annotation-status--error", !!isError);
  }

  // --- The outbox (IndexedDB), for notes made without network ------------------------

  var DB = "ecabinet-annotations";
  function store(modeName, fn) {
    return new Promise(function (resolve, reject) {
      if (!window.indexedDB) return reject(new Error("no IndexedDB"));
      var request = window.indexedDB.open(DB, 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore("outbox", { keyPath: "key" });
      };
      request.onerror = function () {
        reject(request.error);
      };
      request.onsuccess = function () {
        var db = request.result;
        var tx = db.transaction("outbox", modeName);
        var result = fn(tx.objectStore("outbox"));
        tx.oncomplete = function () {
          db.close();
          resolve(result && result.result !== undefined ? result.result : undefined);
        };
        tx.onerror = function () {
          db.close();
          reject(tx.error);
        };
      };
    });
  }

  // One entry per note and kind of change, sent in the order they were made: a note
  // written, then shared or deleted without network, reaches the server as all of them.
  var queued = 0;
  var gone = {}; // client ids of notes deleted on this page
  function queue(entry) {
    entry.key = me + ":" + entry.client_id + ":" + entry.action;
    if (!entry.seq) entry.seq = Date.now() * 1000 + (queued++ % 1000);
    return store("readwrite", function (s) {
      return s.put(entry);
    }).catch(function () {
      /* no IndexedDB (private mode): the note lives on this page only */
    });
  }

  function unqueue(entry) {
    return store("readwrite", function (s) {
      // A later change of the same kind may have replaced this one meanwhile: keep it.
      var request = s.get(entry.key);
      request.onsuccess = function () {
        if (request.result && request.result.seq === entry.seq) s.delete(entry.key);
      };
    }).catch(function () {});
  }

  var flushing = false;
  function flush() {
    if (flushing || !navigator.onLine) return Promise.resolve();
    flushing = true;
    return store("readonly", function (s) {
      return s.getAll();
    })
      .then(function (entries) {
        var mine = (entries || [])
          .filter(function (e) {
            return e.key.indexOf(me + ":") === 0;
          })
          .sort(function (a, b) {
            return (a.seq || 0) - (b.seq || 0);
          });
        return mine.reduce(function (chain, entry) {
          return chain.then(function () {
            return send(entry);
          });
        }, Promise.resolve());
      })
      .catch(function () {})
      .then(function () {
        flushing = false;
      });
  }

  // Send one change. Network trouble keeps it queued; a refusal (4xx) drops it and says why.
  function send(entry) {
    var url = "/api/annotations/" + entry.client_id + (entry.action === "share" ? "/share" : "");
    var method = { save: "PUT", delete: "DELETE", share: "POST" }[entry.action];
    return api(method, url, entry.body)
      .then(function (response) {
        if (response.status >= 500) throw new Error("server");
        return unqueue(entry).then(function () {
          if (response.status === 204) return null;
          return response.json().then(function (body) {
            if (!response.ok) {
              say(body.detail || L.failed, true);
              if (entry.action === "save" && response.status !== 409) {
                delete notes[me + ":" + entry.client_id];
                redraw();
              }
              return null;
            }
            // A note deleted here while its writing was on the way stays deleted.
            if (gone[body.client_id]) return null;
            notes[keyOf(body)] = body;
            redraw();
            return body;
          });
        });
      })
      .catch(function () {
        say(L.offline, false);
        return queue(entry);
      });
  }

  function change(entry) {
    return queue(entry).then(function () {
      return navigator.onLine ? send(entry) : say(L.offline, false);
    });
  }

  // --- The toolbar -----------------------------------------------------------------

  function button(label, testid, onClick) {
    var b = el("button", "btn btn--small annotation-tool", { type: "button", "data-testid": testid }, label);
    b.addEventListener("click", onClick);
    tools.appendChild(b);
    return b;
  }

  var ui = {};
  ui.highlight = button(L.highlight, "annotate-highlight", highlightSelection);
  ui.ink = button(L.ink, "annotate-ink", function () {
    setMode(mode === "ink" ? null : "ink");
  });
  ui.note = button(L.note, "annotate-note", function () {
    setMode(mode === "note" ? null : "note");
  });
  ui.share = button(L.share, "annotate-share", openShare);
  ui.exportLink = el(
    "a",
    "btn btn--small annotation-tool",
    {
      href: "/api/papers/" + paperId + "/annotations/export?v=" + version,
      download: "",
      "data-testid": "annotate-export",
    },
    L.export
  );
  tools.appendChild(ui.exportLink);
  ui.status = el("p", "annotation-status", { "data-testid": "annotation-status", "aria-live": "polite" });
  tools.appendChild(ui.status);
  ui.panel = el("div", "annotation-panel", { "data-testid": "annotation-panel", hidden: "" });
  tools.appendChild(ui.panel);
  ui.share.disabled = true;

  function setMode(next) {
    mode = next;
    ui.ink.setAttribute("aria-pressed", String(mode === "ink"));
    ui.note.setAttribute("aria-pressed", String(mode === "note"));
    if (shown) shown.pageElement.classList.toggle("annotating", !!mode);
    say(mode === "ink" ? L.inkHint : mode === "note" ? L.noteHint : "");
  }

  function pick(key) {
    selected = key;
    var note = key && notes[key];
    ui.share.disabled = !(note && note.mine);
    redraw();
    showPanel(note);
  }

  // --- Making notes ------------------------------------------------------------------

  function pointOf(event) {
    var rect = shown.pageElement.getBoundingClientRect();
    var x = (event.clientX - rect.left) / shown.scale;
    var y = (event.clientY - rect.top) / shown.scale;
    return [clamp(x, pageW()), clamp(y, pageH())];
  }

  function pageW() {
    return shown.width / shown.scale;
  }

  function pageH() {
    return shown.height / shown.scale;
  }

  function clamp(v, max) {
    return Math.round(Math.min(Math.max(v, 0), max) * 100) / 100;
  }

  function create(kind, data, text) {
    var note = {
      client_id: uuid(),
      author_id: me,
      author_name: L.me,
      mine: true,
      paper_id: paperId,
      version: version,
      page: shown.page,
      kind: kind,
      data: data,
      text: text || "",
      colour: COLOURS[kind],
      visibility: "private",
      shared_with: [],
      pending: true,
    };
    notes[keyOf(note)] = note;
    pick(keyOf(note));
    return change({
      action: "save",
      client_id: note.client_id,
      body: {
        paper_id: paperId,
        version: version,
        page: note.page,
        kind: kind,
        data: data,
        text: note.text,
        colour: note.colour,
      },
    });
  }

  // Remember the latest selection on the page as rectangles in points: tapping the button
  // may clear the selection on some tablets before the click arrives.
  document.addEventListener("selectionchange", function () {
    if (!shown) return;
    var selection = window.getSelection();
    if (!selection || selection.isCollapsed || !selection.rangeCount) return;
    var range = selection.getRangeAt(0);
    if (!shown.pageElement.contains(range.commonAncestorContainer)) return;
    var box = shown.pageElement.getBoundingClientRect();
    var rects = Array.from(range.getClientRects())
      .filter(function (r) {
        return r.width > 0.5 && r.height > 0.5;
      })
      .slice(0, 200)
      .map(function (r) {
        var x = clamp((r.left - box.left) / shown.scale, pageW());
        var y = clamp((r.top - box.top) / shown.scale, pageH());
        var w = clamp((r.right - box.left) / shown.scale, pageW()) - x;
        var h = clamp((r.bottom - box.top) / shown.scale, pageH()) - y;
        return [x, y, Math.round(w * 100) / 100, Math.round(h * 100) / 100];
      })
      .filter(function (r) {
        return r[2] > 0 && r[3] > 0;
      });
    if (rects.length) lastSelection = { page: shown.page, rects: rects };
  });

  function highlightSelection() {
    setMode(null);
    if (!shown || !lastSelection || lastSelection.page !== shown.page) {
      say(L.highlightHint);
      return;
    }
    var rects = lastSelection.rects;
    lastSelection = null;
    if (window.getSelection()) window.getSelection().removeAllRanges();
    create("highlight", { rects: rects });
  }

  var stroke = null;
  function onDown(event) {
    if (mode === "ink") {
      event.preventDefault();
      event.stopPropagation();
      stroke = { id: event.pointerId, points: [pointOf(event)], line: null };
      stroke.line = svg("polyline", { class: "annotation-ink annotation-ink--drawing", fill: "none" });
      stroke.line.style.stroke = COLOURS.ink;
      shown.layer.appendChild(stroke.line);
      shown.layer.setPointerCapture(event.pointerId);
      drawStroke();
    } else if (mode === "note") {
      event.preventDefault();
      event.stopPropagation();
      askNote(pointOf(event));
    }
  }

  function drawStroke() {
    stroke.line.setAttribute(
      "points",
      stroke.points
        .map(function (p) {
          return p[0] + "," + p[1];
        })
        .join(" ")
    );
  }

  function onMove(event) {
    if (!stroke || event.pointerId !== stroke.id) return;
    event.preventDefault();
    var p = pointOf(event);
    var last = stroke.points[stroke.points.length - 1];
    if (Math.abs(p[0] - last[0]) + Math.abs(p[1] - last[1]) < 1) return; // under a point
    if (stroke.points.length < 2000) stroke.points.push(p);
    drawStroke();
  }

  function onUp(event) {
    if (!stroke || event.pointerId !== stroke.id) return;
    var points = stroke.points;
    stroke.line.remove();
    stroke = null;
    create("ink", { strokes: [points], width: 2 });
  }

  function askNote(at) {
    ui.panel.hidden = false;
    ui.panel.replaceChildren();
    var form = el("form", "annotation-form", { "data-testid": "note-form" });
    var label = el("label", "", {}, L.noteText);
    var area = el("textarea", "", { maxlength: "4000", rows: "3", "data-testid": "note-text" });
    label.appendChild(area);
    var save = el("button", "btn btn--small", { type: "submit", "data-testid": "note-save" }, L.save);
    var cancel = el("button", "btn btn--small btn--quiet", { type: "button" }, L.cancel);
    cancel.addEventListener("click", function () {
      ui.panel.hidden = true;
    });
    form.append(label, save, cancel);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!area.value.trim()) return area.focus();
      setMode(null);
      create("note", { at: at }, area.value.trim());
    });
    ui.panel.appendChild(form);
    area.focus();
  }

  // --- What the picked note says, and sharing it ------------------------------------

  function showPanel(note) {
    ui.panel.replaceChildren();
    ui.panel.hidden = !note;
    if (!note) return;
    var head = el("p", "annotation-panel__head");
    head.appendChild(el("strong", "", { "data-testid": "note-author" }, note.mine ? L.me : note.author_name));
    head.appendChild(document.createTextNode(" · " + (L["kind_" + note.kind] || note.kind)));
    if (note.mine) {
      head.appendChild(document.createTextNode(" · " + (L["vis_" + note.visibility] || "")));
    }
    ui.panel.appendChild(head);
    if (note.text) ui.panel.appendChild(el("p", "annotation-panel__text", { "data-testid": "note-body" }, note.text));
    if (note.mine) {
      var del = el("button", "btn btn--small btn--quiet", { type: "button", "data-testid": "note-delete" }, L.delete);
      del.addEventListener("click", function () {
        delete notes[keyOf(note)];
        gone[note.client_id] = true;
        pick(null);
        change({ action: "delete", client_id: note.client_id });
      });
      ui.panel.appendChild(del);
    }
  }

  function openShare() {
    var note = selected && notes[selected];
    if (!note || !note.mine) return say(L.pickFirst);
    ui.panel.hidden = false;
    ui.panel.replaceChildren(el("p", "", {}, L.loading));
    api("GET", "/api/papers/" + paperId + "/annotations/people")
      .then(function (response) {
        return response.ok ? response.json() : Promise.reject(response);
      })
      .then(function (people) {
        ui.panel.replaceChildren(shareForm(note, people));
      })
      .catch(function () {
        ui.panel.replaceChildren(el("p", "annotation-status--error", {}, L.failed));
      });
  }

  function shareForm(note, people) {
    var form = el("form", "annotation-form", { "data-testid": "share-form" });
    var fieldset = el("fieldset");
    fieldset.appendChild(el("legend", "", {}, L.shareWith));
    ["private", "people", "meeting"].forEach(function (value) {
      var label = el("label", "annotation-choice");
      var input = el("input", "", { type: "radio", name: "visibility", value: value, "data-testid": "share-" + value });
      input.checked = note.visibility === value;
      label.append(input, document.createTextNode(" " + L["vis_" + value]));
      fieldset.appendChild(label);
    });
    var list = el("div", "annotation-people", { "data-testid": "share-people" });
    people.forEach(function (person) {
      var label = el("label", "annotation-choice");
      var input = el("input", "", { type: "checkbox", value: String(person.id), "data-testid": "share-person-" + person.id });
      input.checked = note.shared_with.indexOf(person.id) >= 0;
      input.addEventListener("change", function () {
        if (input.checked) form.querySelector("[value=people]").checked = true;
      });
      label.append(input, document.createTextNode(" " + person.name));
      list.appendChild(label);
    });
    fieldset.appendChild(list);
    form.appendChild(fieldset);
    form.appendChild(el("button", "btn btn--small", { type: "submit", "data-testid": "share-save" }, L.save));
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var visibility = (form.querySelector("[name=visibility]:checked") || {}).value || "private";
      var ids = Array.from(list.querySelectorAll("input:checked")).map(function (i) {
        return Number(i.value);
      });
      note.visibility = visibility;
      note.shared_with = visibility === "people" ? ids : [];
      change({
        action: "share",
        client_id: note.client_id,
        body: { visibility: visibility, shared_with: note.shared_with },
      }).then(function (saved) {
        if (saved) say(L.shared);
        showPanel(notes[keyOf(note)]);
      });
    });
    return form;
  }

  // --- Drawing the layer -----------------------------------------------------------

  function redraw() {
    if (!shown) return;
    var layer = shown.layer;
    layer.replaceChildren();
    Object.keys(notes).forEach(function (key) {
      var note = notes[key];
      if (note.page !== shown.page || note.version !== version) return;
      layer.appendChild(shape(note, key));
    });
  }

  function shape(note, key) {
    var g = svg("g", {
      class: "annotation annotation--" + note.kind + (note.mine ? "" : " annotation--shared") + (key === selected ? " annotation--picked" : ""),
      "data-testid": "annotation",
      "data-kind": note.kind,
      "data-author": note.author_name,
      "data-mine": String(!!note.mine),
      "data-client-id": note.client_id,
      "data-pending": String(!!note.pending),
    });
    g.style.color = note.colour;
    var title = svg("title");
    title.textContent = (note.mine ? L.me : note.author_name) + (note.text ? ": " + note.text : "");
    g.appendChild(title);
    var anchor = [0, 0];
    if (note.kind === "highlight") {
      note.data.rects.forEach(function (r) {
        g.appendChild(svg("rect", { x: r[0], y: r[1], width: r[2], height: r[3] }));
      });
      anchor = [note.data.rects[0][0], note.data.rects[0][1]];
    } else if (note.kind === "ink") {
      note.data.strokes.forEach(function (points) {
        g.appendChild(
          svg("polyline", {
            points: points.map(function (p) { return p[0] + "," + p[1]; }).join(" "),
            "stroke-width": note.data.width || 2,
          })
        );
      });
      anchor = note.data.strokes[0][0];
    } else {
      var at = note.data.at;
      g.appendChild(svg("rect", { class: "annotation-note-icon", x: at[0], y: at[1], width: 16, height: 16, rx: 3 }));
      anchor = [at[0] + 18, at[1]];
    }
    if (!note.mine) {
      var name = svg("text", { x: anchor[0], y: Math.max(anchor[1] - 3, 9), class: "annotation-author" });
      name.textContent = note.author_name;
      g.appendChild(name);
    }
    g.addEventListener("click", function (event) {
      if (mode) return;
      event.stopPropagation();
      pick(key);
    });
    return g;
  }

  root.addEventListener("reader:page", function (event) {
    var d = event.detail;
    if (d.paperId !== paperId || d.version !== version) return;
    var view = d.pdfPage.getViewport({ scale: 1 });
    var layer = svg("svg", {
      class: "annotation-layer",
      "data-testid": "annotation-layer",
      viewBox: "0 0 " + view.width + " " + view.height,
      preserveAspectRatio: "none",
    });
    layer.addEventListener("pointerdown", onDown);
    layer.addEventListener("pointermove", onMove);
    layer.addEventListener("pointerup", onUp);
    layer.addEventListener("pointercancel", onUp);
    // The reader turns the page on a swipe: a stroke of the pen is not one.
    ["touchstart", "touchend", "touchmove"].forEach(function (name) {
      layer.addEventListener(name, function (e) {
        if (mode) e.stopPropagation();
      });
    });
    d.pageElement.appendChild(layer);
    d.pageElement.classList.toggle("annotating", !!mode);
    shown = {
      page: d.page,
      pageElement: d.pageElement,
      layer: layer,
      scale: d.width / view.width,
      width: d.width,
      height: d.height,
    };
    lastSelection = null;
    if (selected && notes[selected] && notes[selected].page !== d.page) pick(null);
    else redraw();
  });

  // --- Loading, and the live stream -------------------------------------------------

  function load() {
    return api("GET", "/api/papers/" + paperId + "/annotations?v=" + version)
      .then(function (response) {
        return response.ok ? response.json() : Promise.reject(response);
      })
      .then(function (body) {
        seq = body.seq;
        body.annotations.forEach(function (note) {
          notes[keyOf(note)] = note;
        });
        if (body.not_carried_over) say(L.notCarried.replace("{n}", body.not_carried_over));
        root.dataset.annotations = "ready";
        redraw();
        connect();
      })
      .catch(function () {
        root.dataset.annotations = "offline";
        say(L.offline);
      });
  }

  function receive(message) {
    var frame;
    try {
      frame = JSON.parse(message.data);
    } catch (e) {
      return;
    }
    if (frame.type === "ready") {
      backoff = 1000;
      root.dataset.live = "on";
      return;
    }
    if ((frame.type === "skip" || frame.type === "resync") && frame.seq > seq) seq = frame.seq;
    if (frame.type !== "event" || frame.seq <= seq) return;
    seq = frame.seq;
    var d = frame.data || {};
    if (frame.event.indexOf("annotation.") !== 0 || d.paper_id !== paperId || d.version !== version) return;
    var key = d.author_id + ":" + d.client_id;
    if (frame.event === "annotation.deleted") {
      delete notes[key];
      if (selected === key) pick(null);
    } else {
      var known = notes[key] || {};
      d.mine = d.author_id === me;
      d.shared_with = known.shared_with || [];
      notes[key] = d;
      if (frame.event === "annotation.shared" && !d.mine) say(L.sharedWithYou.replace("{name}", d.author_name));
    }
    redraw();
  }

  function connect() {
    if (!window.WebSocket) return;
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var ws = new WebSocket(scheme + window.location.host + "/ws/me/");
    socket = ws;
    ws.onopen = function () {
      ws.send(JSON.stringify({ type: "hello", after: seq }));
    };
    ws.onmessage = receive;
    ws.onclose = function (event) {
      if (socket !== ws) return;
      socket = null;
      root.dataset.live = "off";
      if (event.code === 4401 || event.code === 4403) return;
      window.setTimeout(connect, backoff + Math.random() * 500);
      backoff = Math.min(backoff * 2, 30000);
    };
  }

  window.addEventListener("online", function () {
    flush();
    if (!socket) connect();
  });
  root.addEventListener("reader:closed", function () {
    if (socket) {
      var old = socket;
      socket = null;
      old.close();
    }
  });

  flush().then(load);
})();
