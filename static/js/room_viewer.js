// e-Cabinet live meeting room: the paper viewer. It follows the screen (the paper and
// page the presenter shows: `presentation` in the snapshot, `presentation.moved` events)
// unless the member chose to read on their own (the toggle sits in the room's action
// bar). Someone who may run the screen shows a page with the `presentation.show`
// command, and their page turns move every follower. Only a meeting in progress has a
// screen: before the start and after the close everyone reads on their own.
//
// Weak networks: pdf.js (static/vendor/pdfjs) is loaded only when a paper is first
// shown, each paper is fetched once and kept (up to three), and only the visible page
// is rendered, into a fresh canvas that replaces the old one once it is drawn. A paper
// the viewer may not open is never fetched.
(function () {
  "use strict";

  var root = document.querySelector("[data-testid=room]");
  var room = window.ecabinetRoom;
  var box = root && root.querySelector("[data-testid=viewer]");
  if (!box || !room) return;
  var L = room.labels.viewer;
  var papers = {};
  room.data.papers.forEach(function (paper) {
    papers[paper.id] = paper;
  });

  function $(testid) {
    return root.querySelector('[data-testid="' + testid + '"]');
  }
  var select = $("viewer-paper");
  var pageBox = $("viewer-page");

  // --- What to show ------------------------------------------------------------

  var storeKey = "ecabinet.viewer." + room.data.meeting_id + "." + room.data.user_id;
  var saved = null;
  try {
    saved = JSON.parse(window.sessionStorage.getItem(storeKey) || "null");
  } catch (e) {
    saved = null;
  }
  var view = {
    following: saved ? !!saved.following : true,
    free: saved ? saved.free : null, // {paper_id, page} while reading on one's own
    driving: null, // the presenter's own page turn, shown until its event arrives
  };
  window.ecabinetViewer = view;

  function save() {
    try {
      window.sessionStorage.setItem(
        storeKey,
        JSON.stringify({ following: view.following, free: view.free })
      );
    } catch (e) {
      /* private mode: the choice lasts until the page is reloaded */
    }
  }

  function screenOn() {
    return room.state.state === "in_progress";
  }

  function target() {
    if (!view.following || !screenOn()) return view.free;
    var d = view.driving;
    if (d && (d.seq === undefined || room.seq < d.seq)) return d;
    var p = room.state.presentation;
    return p ? { paper_id: p.paper_id, page: p.page } : null;
  }

  function clamp(page, paper) {
    return Math.max(1, Math.min(page || 1, paper.pages));
  }

  // --- pdf.js and the papers, fetched once ---------------------------------------

  var lib = null;
  function pdfjs() {
    if (!lib) {
      lib = import(box.dataset.pdfjs).then(function (module) {
        module.GlobalWorkerOptions.workerSrc = box.dataset.worker;
        return module;
      });
      lib.catch(function () {
        lib = null; // try again on the next attempt
      });
    }
    return lib;
  }

  var docs = new Map(); // "paper@version" -> Promise of the PDF document
  var MAX_DOCS = 3;

  function load(paper, onProgress) {
    var key = paper.id + "@" + paper.version;
    var known = docs.get(key);
    if (known) {
      docs.delete(key); // most recently used last
      docs.set(key, known);
      return known;
    }
    var promise = pdfjs().then(function (pdfjsLib) {
      var task = pdfjsLib.getDocument({
        url: paper.url + "?v=" + paper.version, // the version whose pages the screen counts
        isEvalSupported: false,
      });
      task.onProgress = onProgress;
      return task.promise;
    });
    promise.catch(function () {
      if (docs.get(key) === promise) docs.delete(key);
    });
    docs.set(key, promise);
    if (docs.size > MAX_DOCS) {
      var oldest = docs.keys().next().value;
      docs.get(oldest).then(
        function (doc) {
          doc.destroy();
        },
        function () {}
      );
      docs.delete(oldest);
    }
    return promise;
  }

  // --- Drawing -----------------------------------------------------------------

  var shownKey = null; // what the canvas shows: paper@version@page@width
  var drawingKey = null;
  var token = 0;
  var renderTask = null;

  function setState(state, message, isError) {
    box.dataset.state = state;
    $("viewer-status").textContent = isError ? "" : message || "";
    $("viewer-error").textContent = isError ? message : "";
    $("viewer-error").hidden = !isError;
    $("viewer-retry").hidden = state !== "error";
  }

  function blank(state, message, isError) {
    token += 1; // whatever was being drawn is no longer wanted
    if (renderTask) renderTask.cancel();
    shownKey = drawingKey = null;
    pageBox.replaceChildren();
    setState(state, message, isError);
  }

  function draw() {
    var t = target();
    controls(t);
    var empty = room.data.papers.length === 0;
    box.dataset.empty = empty ? "1" : "0";
    if (!t) return blank("idle", empty ? L.no_papers : screenOn() ? L.nothing_shown : L.choose_to_read);
    var paper = papers[t.paper_id];
    box.dataset.paperId = String(t.paper_id);
    if (!paper) {
      box.dataset.page = "";
      return blank("idle", L.not_available);
    }
    var page = clamp(t.page, paper);
    box.dataset.page = String(page);
    if (!paper.may_open) return blank("forbidden", L.forbidden, true);
    var width = Math.floor(pageBox.clientWidth || box.clientWidth);
    var key = [paper.id, paper.version, page, width].join("@");
    if (key === shownKey || key === drawingKey) return;
    drawingKey = key;
    var mine = (token += 1);
    setState("loading", L.loading);
    load(paper, function (progress) {
      if (mine === token && progress.total) {
        var pct = Math.round((100 * progress.loaded) / progress.total);
        setState("loading", L.loading_pct.replace("%(pct)s", pct + "%"));
      }
    })
      .then(function (doc) {
        return mine === token ? doc.getPage(page) : null;
      })
      .then(function (pdfPage) {
        if (!pdfPage || mine !== token) return;
        return paint(pdfPage, width, function () {
          return mine === token;
        }).then(function (done) {
          if (!done) return;
          shownKey = key;
          drawingKey = null;
          setState("ready", "");
          noteRead(paper, page);
          // The same event as the reader's (static/js/reader.js): notes are drawn on it.
          box.dispatchEvent(
            new CustomEvent("reader:page", {
              bubbles: true,
              detail: {
                paperId: paper.id,
                version: paper.version,
                page: page,
                pageCount: paper.pages,
                pageElement: done.element,
                width: done.width,
                height: done.height,
                scale: done.scale,
                pdfPage: pdfPage,
              },
            })
          );
        });
      })
      .catch(function (error) {
        if (mine !== token || (error && error.name === "RenderingCancelledException")) return;
        drawingKey = null;
        var status = error && error.status;
        if (status === 403 || status === 404) blank("forbidden", L.forbidden, true);
        else blank("error", L.failed, true);
      });
  }

  // --- Read receipts: pages shown, reported in batches (meetings/reading.py) -------

  var unsent = new Map(); // "paper@version" -> {paper_id, version, pages: Set}
  var READ_EVERY_MS = 5000;

  function noteRead(paper, page) {
    var key = paper.id + "@" + paper.version;
    if (!unsent.has(key)) unsent.set(key, { paper_id: paper.id, version: paper.version, pages: new Set() });
    unsent.get(key).pages.add(page);
  }

  function sendReads() {
    unsent.forEach(function (entry, key) {
      unsent.delete(key);
      var body = { version: entry.version, pages: Array.from(entry.pages) };
      room.api("POST", "/api/papers/" + entry.paper_id + "/reading", body).catch(function () {
        /* a receipt lost is a page not counted; reading goes on */
      });
    });
  }
  window.setInterval(sendReads, READ_EVERY_MS);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") sendReads();
  });

  // Render into a new canvas and swap it in once drawn: the old page stays until then.
  function paint(pdfPage, width, stillWanted) {
    var ratio = Math.min(window.devicePixelRatio || 1, 2);
    var scale = width / pdfPage.getViewport({ scale: 1 }).width;
    var viewport = pdfPage.getViewport({ scale: scale * ratio });
    var canvas = document.createElement("canvas");
    canvas.dataset.testid = "viewer-canvas";
    canvas.width = Math.floor(viewport.width);
    canvas.height = Math.floor(viewport.height);
    canvas.style.width = Math.floor(viewport.width / ratio) + "px";
    // The page box that notes are laid over (the reader's div.reader-page).
    var holder = document.createElement("div");
    holder.className = "reader-page";
    holder.dataset.page = String(pdfPage.pageNumber);
    holder.style.position = "relative";
    holder.style.maxWidth = canvas.style.width;
    holder.appendChild(canvas);
    if (renderTask) renderTask.cancel();
    var task = pdfPage.render({ canvas: canvas, viewport: viewport });
    renderTask = task;
    return task.promise.then(function () {
      if (renderTask === task) renderTask = null;
      if (!stillWanted()) return false;
      pageBox.replaceChildren(holder);
      return {
        element: holder,
        width: Math.floor(viewport.width / ratio),
        height: Math.floor(viewport.height / ratio),
        scale: scale,
      };
    });
  }

  // --- Controls ----------------------------------------------------------------

  var groupedFor;

  function option(paper) {
    var node = document.createElement("option");
    node.value = String(paper.id);
    node.textContent =
      paper.label + " — " + paper.title + (paper.may_open ? "" : " (" + L.restricted + ")");
    return node;
  }

  // Grouped around the item under discussion; rebuilt only when that item changes, so
  // a list the member has open is not pulled from under their finger.
  function options() {
    var current = room.state.current_item_id;
    if (groupedFor === current) return;
    groupedFor = current;
    var all = room.data.papers;
    var groups = [
      [L.current_item, function (p) {
        return current !== null && p.item_id === current;
      }],
      [L.other_items, function (p) {
        return p.item_id !== null && p.item_id !== current;
      }],
      [L.whole_meeting, function (p) {
        return p.item_id === null;
      }],
    ];
    var first = document.createElement("option");
    first.value = "";
    first.textContent = L.choose;
    var nodes = [first];
    groups.forEach(function (group) {
      var chosen = all.filter(group[1]);
      if (!chosen.length) return;
      var node = document.createElement("optgroup");
      node.label = group[0];
      chosen.forEach(function (paper) {
        node.appendChild(option(paper));
      });
      nodes.push(node);
    });
    select.replaceChildren.apply(select, nodes);
  }

  function presenting(t) {
    var paper = t && papers[t.paper_id];
    return !!(view.following && screenOn() && paper && paper.may_present && room.state.presentation);
  }

  function controls(t) {
    options();
    var paper = t && papers[t.paper_id];
    select.value = paper ? String(paper.id) : "";
    var page = paper ? clamp(t.page, paper) : 0;
    $("viewer-page-label").textContent = paper
      ? L.page_of.replace("%(page)s", page).replace("%(pages)s", paper.pages)
      : "";
    $("viewer-prev").disabled = !paper || !paper.may_open || page <= 1;
    $("viewer-next").disabled = !paper || !paper.may_open || page >= paper.pages;
    var follow = $("viewer-follow");
    var following = view.following && screenOn();
    follow.textContent = view.following ? L.stop_following : L.follow;
    follow.setAttribute("aria-pressed", view.following ? "true" : "false");
    follow.hidden = !screenOn() || room.data.papers.length === 0;
    box.dataset.following = following ? "1" : "0";
    var driving = presenting(t);
    box.dataset.presenting = driving ? "1" : "0";
    var mode = $("viewer-mode");
    mode.dataset.following = box.dataset.following;
    mode.textContent = driving ? L.presenting : following ? L.following : L.free;
    mode.hidden = !screenOn(); // no screen to follow before the start or after the close
    var present = $("viewer-present");
    if (present) {
      present.hidden = !(paper && paper.may_present && paper.may_open) || driving || !screenOn();
      present.disabled = room.pendingFor("presentation.show");
    }
  }

  // --- Actions -----------------------------------------------------------------

  function present(paperId, page) {
    var mine = { paper_id: paperId, page: page };
    view.driving = mine;
    view.following = true;
    save();
    room.command(
      "presentation.show",
      { paper_id: paperId, page: page },
      function (result) {
        mine.seq = result.seq; // shown until the event with this number is applied
        draw();
      },
      function () {
        if (view.driving === mine) view.driving = null;
        draw();
      }
    );
    draw();
  }

  function turn(delta) {
    var t = target();
    var paper = t && papers[t.paper_id];
    if (!paper || !paper.may_open) return;
    var page = clamp(t.page + delta, paper);
    if (page === clamp(t.page, paper)) return;
    if (presenting(t)) {
      present(paper.id, page);
      return;
    }
    // A member turning the page reads on their own from here.
    view.following = false;
    view.free = { paper_id: paper.id, page: page };
    save();
    draw();
  }

  $("viewer-prev").addEventListener("click", function () {
    turn(-1);
  });
  $("viewer-next").addEventListener("click", function () {
    turn(1);
  });
  $("viewer-follow").addEventListener("click", function () {
    if (view.following) {
      var t = target();
      view.following = false;
      view.free = t ? { paper_id: t.paper_id, page: t.page } : null;
    } else {
      view.following = true;
      view.driving = null;
    }
    save();
    draw();
  });
  select.addEventListener("change", function () {
    var id = Number(select.value);
    if (!id || !papers[id]) return;
    view.following = false;
    view.free = { paper_id: id, page: 1 };
    save();
    draw();
  });
  if ($("viewer-present")) {
    $("viewer-present").addEventListener("click", function () {
      var t = target();
      if (t && papers[t.paper_id]) present(t.paper_id, clamp(t.page, papers[t.paper_id]));
    });
  }
  $("viewer-retry").addEventListener("click", function () {
    shownKey = drawingKey = null;
    draw();
  });

  var resizeTimer = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(resizeTimer);
    resizeTimer = window.setTimeout(draw, 200);
  });

  root.addEventListener("room:render", draw);
  draw();
})();
