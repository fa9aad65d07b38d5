// e-Cabinet: the in-app paper reader (the vendored pdf.js, static/vendor/pdfjs).
//
//   ecabinetReader.open(container, {
//     source: {url: "..."} | {data: Uint8Array},  // data: a paper from the offline briefcase
//     paperId, version, pdfjs, worker,            // URLs of pdf.min.mjs and its worker
//     page: 1, reportReading: true, labels: {...} // labels: else #reader-labels, else Vietnamese
//   }) -> Promise<{goto(page), close(), pageCount, currentPage}>
//
// One page at a time, fitted to the width of the container, drawn into a fresh
// `div.reader-page` (canvas + pdf.js text layer, so text can be selected) that replaces
// the old one once drawn. After each page it dispatches `reader:page` on the container
// (annotations draw their overlays inside `detail.pageElement`), and `reader:closed` when
// closed. Pages shown are reported as read receipts (POST /api/papers/{id}/reading) in
// batches, like the room's viewer. Large buttons, arrow keys and a swipe turn the page.
(function () {
  "use strict";

  var DEFAULT_LABELS = {
    previous: "‹ Trang trước",
    next: "Trang sau ›",
    previous_page: "Trang trước",
    next_page: "Trang sau",
    page_of: "Trang %(page)s/%(pages)s",
    loading: "Đang tải tài liệu…",
    loading_pct: "Đang tải tài liệu… %(pct)s",
    failed: "Không tải được tài liệu. Hãy kiểm tra kết nối rồi thử lại.",
    forbidden: "Bạn không được mở tài liệu này.",
    retry: "Thử lại",
    pages: "Trang tài liệu",
  };
  var READ_EVERY_MS = 5000;
  var SWIPE_PX = 60;

  function labelsFrom(options) {
    var found = {};
    var node = document.getElementById("reader-labels");
    if (node) {
      try {
        found = JSON.parse(node.textContent) || {};
      } catch (e) {
        found = {};
      }
    }
    return Object.assign({}, DEFAULT_LABELS, found, options.labels || {});
  }

  // --- pdf.js, imported once per page ------------------------------------------------

  var libs = {};
  function pdfjs(url, worker) {
    if (!libs[url]) {
      libs[url] = import(url).then(function (module) {
        if (!module.GlobalWorkerOptions.workerSrc) module.GlobalWorkerOptions.workerSrc = worker;
        return module;
      });
      libs[url].catch(function () {
        delete libs[url]; // try again on the next attempt
      });
    }
    return libs[url];
  }

  // --- Read receipts ---------------------------------------------------------------

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function receipts(paperId, version) {
    var pages = new Set();
    function send(keepalive) {
      if (!pages.size || !paperId) return;
      var body = { pages: Array.from(pages).sort(function (a, b) { return a - b; }) };
      if (version) body.version = version;
      pages = new Set();
      fetch("/api/papers/" + paperId + "/reading", {
        method: "POST",
        credentials: "same-origin",
        keepalive: !!keepalive,
        headers: {
          Accept: "application/json",
          "Content-Type": "application/json",
          "X-CSRFToken": csrfToken(),
        },
        body: JSON.stringify(body),
      }).catch(function () {
        /* offline or refused: a page not counted; reading goes on */
      });
    }
    var timer = window.setInterval(send, READ_EVERY_MS);
    function hidden() {
      if (document.visibilityState === "hidden") send(true);
    }
    function leaving() {
      send(true);
    }
    document.addEventListener("visibilitychange", hidden);
    window.addEventListener("pagehide", leaving);
    return {
      note: function (page) {
        pages.add(page);
      },
      stop: function () {
        window.clearInterval(timer);
        document.removeEventListener("visibilitychange", hidden);
        window.removeEventListener("pagehide", leaving);
        send(true);
      },
    };
  }

  // --- The reader's own controls --------------------------------------------------

  function el(tag, className, attrs) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    Object.keys(attrs || {}).forEach(function (name) {
      node.setAttribute(name, attrs[name]);
    });
    return node;
  }

  function build(container, L) {
    var root = el("div", "reader", { "data-testid": "reader-view", "data-state": "loading" });
    var bar = el("div", "reader-bar");
    var prev = el("button", "btn reader-turn", {
      type: "button",
      "data-testid": "reader-prev",
      "aria-label": L.previous_page,
    });
    prev.textContent = L.previous;
    var label = el("span", "reader-pages", { "data-testid": "reader-page-label", "aria-live": "polite" });
    var next = el("button", "btn reader-turn", {
      type: "button",
      "data-testid": "reader-next",
      "aria-label": L.next_page,
    });
    next.textContent = L.next;
    bar.append(prev, label, next);
    var status = el("p", "reader-status", { "data-testid": "reader-status", role: "status" });
    var error = el("p", "reader-error", { "data-testid": "reader-error", role: "alert" });
    error.hidden = true;
    var retry = el("button", "btn reader-retry", { type: "button", "data-testid": "reader-retry" });
    retry.textContent = L.retry;
    retry.hidden = true;
    var stage = el("div", "reader-stage", {
      "data-testid": "reader-stage",
      role: "region",
      "aria-label": L.pages,
    });
    root.append(bar, status, error, retry, stage);
    container.replaceChildren(root);
    return { root: root, prev: prev, next: next, label: label, status: status, error: error, retry: retry, stage: stage };
  }

  // --- Opening a paper ---------------------------------------------------------------

  function open(container, options) {
    options = options || {};
    var L = labelsFrom(options);
    var ui = build(container, L);
    var source = options.source || {};
    var doc = null;
    var loading = null;
    var closed = false;
    var token = 0;
    var renderTask = null;
    var textLayer = null;
    var shownKey = null;
    var reads = options.reportReading === false ? null : receipts(options.paperId, options.version);
    var handle = { pageCount: 0, currentPage: Math.max(1, options.page || 1) };

    function setState(state, message, isError) {
      ui.root.dataset.state = state;
      ui.status.textContent = isError ? "" : message || "";
      ui.error.textContent = isError ? message : "";
      ui.error.hidden = !isError;
      ui.retry.hidden = state !== "error";
    }

    function controls() {
      var n = handle.pageCount;
      var page = handle.currentPage;
      ui.root.dataset.page = n ? String(page) : "";
      ui.root.dataset.pageCount = n ? String(n) : "";
      ui.label.textContent = n ? L.page_of.replace("%(page)s", page).replace("%(pages)s", n) : "";
      ui.prev.disabled = !n || page <= 1;
      ui.next.disabled = !n || page >= n;
    }

    function load() {
      if (loading) return loading;
      setState("loading", L.loading);
      loading = pdfjs(options.pdfjs, options.worker).then(function (lib) {
        var params = { isEvalSupported: false };
        // pdf.js takes over the buffer it is given: hand it a copy, the caller keeps theirs.
        if (source.data) params.data = new Uint8Array(source.data).slice();
        else params.url = source.url;
        var task = lib.getDocument(params);
        task.onProgress = function (progress) {
          if (!closed && progress.total && ui.root.dataset.state === "loading") {
            var pct = Math.min(100, Math.round((100 * progress.loaded) / progress.total));
            ui.status.textContent = L.loading_pct.replace("%(pct)s", pct + "%");
          }
        };
        return task.promise.then(function (pdf) {
          return { lib: lib, pdf: pdf };
        });
      });
      loading.then(
        function (loaded) {
          if (closed) {
            loaded.pdf.destroy();
            return;
          }
          doc = loaded;
          handle.pageCount = loaded.pdf.numPages;
          handle.currentPage = Math.min(handle.currentPage, handle.pageCount);
          controls();
        },
        function () {
          loading = null; // a retry fetches again
        }
      );
      return loading;
    }

    function failed(error) {
      var status = error && error.status;
      if (status === 401 || status === 403 || status === 404 || status === 410) {
        setState("forbidden", L.forbidden, true);
      } else {
        setState("error", L.failed, true);
      }
    }

    function draw() {
      if (closed) return Promise.resolve();
      var width = Math.floor(ui.stage.clientWidth || container.clientWidth || 600);
      var page = handle.currentPage;
      var key = page + "@" + width;
      if (key === shownKey) return Promise.resolve();
      var mine = (token += 1);
      if (renderTask) renderTask.cancel();
      if (textLayer) textLayer.cancel();
      if (doc) setState("loading", L.loading);
      controls();
      return load()
        .then(function (loaded) {
          return mine === token ? loaded.pdf.getPage(page) : null;
        })
        .then(function (pdfPage) {
          if (!pdfPage || mine !== token) return;
          return paint(pdfPage, width, mine).then(function (drawn) {
            if (!drawn) return;
            shownKey = key;
            setState("ready", "");
            if (reads) reads.note(page);
            container.dispatchEvent(
              new CustomEvent("reader:page", {
                bubbles: true,
                detail: {
                  paperId: options.paperId,
                  version: options.version,
                  page: page,
                  pageCount: handle.pageCount,
                  pageElement: drawn.element,
                  width: drawn.width,
                  height: drawn.height,
                  scale: drawn.scale,
                  pdfPage: pdfPage,
                },
              })
            );
          });
        })
        .catch(function (error) {
          if (closed || mine !== token) return;
          if (error && error.name === "RenderingCancelledException") return;
          if (error && error.name === "AbortException") return;
          failed(error);
        });
    }

    // Render into a new page box and swap it in once drawn: the old page stays until then.
    function paint(pdfPage, width, mine) {
      var ratio = Math.min(window.devicePixelRatio || 1, 2);
      var scale = width / pdfPage.getViewport({ scale: 1 }).width;
      var viewport = pdfPage.getViewport({ scale: scale });
      var pixels = pdfPage.getViewport({ scale: scale * ratio });
      var box = el("div", "reader-page", { "data-page": String(pdfPage.pageNumber), "data-testid": "reader-page" });
      box.style.position = "relative";
      box.style.width = Math.floor(viewport.width) + "px";
      box.style.height = Math.floor(viewport.height) + "px";
      box.style.setProperty("--scale-factor", String(scale));
      var canvas = el("canvas", "reader-canvas", { "data-testid": "reader-canvas" });
      canvas.width = Math.floor(pixels.width);
      canvas.height = Math.floor(pixels.height);
      canvas.style.width = Math.floor(viewport.width) + "px";
      canvas.style.height = Math.floor(viewport.height) + "px";
      var text = el("div", "textLayer");
      box.append(canvas, text);
      var task = pdfPage.render({ canvas: canvas, viewport: pixels });
      renderTask = task;
      var layer = new doc.lib.TextLayer({
        textContentSource: pdfPage.streamTextContent(),
        container: text,
        viewport: viewport,
      });
      textLayer = layer;
      var words = layer.render().catch(function () {
        /* a page without selectable text still reads */
      });
      return Promise.all([task.promise, words]).then(function () {
        if (renderTask === task) renderTask = null;
        if (textLayer === layer) textLayer = null;
        if (closed || mine !== token) return null;
        ui.stage.replaceChildren(box);
        return {
          element: box,
          width: Math.floor(viewport.width),
          height: Math.floor(viewport.height),
          scale: scale,
        };
      });
    }

    function goto(page) {
      var n = handle.pageCount;
      var wanted = Math.max(1, n ? Math.min(page, n) : page);
      if (wanted === handle.currentPage && shownKey) return Promise.resolve();
      handle.currentPage = wanted;
      return draw();
    }

    function turn(delta) {
      if (!handle.pageCount) return;
      goto(handle.currentPage + delta);
    }

    // --- Page turns: buttons, keys, swipes, resize -----------------------------------

    ui.prev.addEventListener("click", function () {
      turn(-1);
    });
    ui.next.addEventListener("click", function () {
      turn(1);
    });
    ui.retry.addEventListener("click", function () {
      shownKey = null;
      draw();
    });

    function onKey(event) {
      if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
      var target = event.target;
      if (target && target.closest && target.closest("input, textarea, select, [contenteditable]")) return;
      if (event.key === "ArrowRight" || event.key === "PageDown") turn(1);
      else if (event.key === "ArrowLeft" || event.key === "PageUp") turn(-1);
      else return;
      event.preventDefault();
    }
    document.addEventListener("keydown", onKey);

    var swipe = null;
    ui.stage.addEventListener(
      "touchstart",
      function (event) {
        var t = event.touches.length === 1 ? event.touches[0] : null;
        swipe = t ? { x: t.clientX, y: t.clientY } : null;
      },
      { passive: true }
    );
    ui.stage.addEventListener(
      "touchend",
      function (event) {
        var t = event.changedTouches[0];
        if (!swipe || !t) return;
        var dx = t.clientX - swipe.x;
        var dy = t.clientY - swipe.y;
        swipe = null;
        if (Math.abs(dx) >= SWIPE_PX && Math.abs(dx) > 2 * Math.abs(dy)) turn(dx < 0 ? 1 : -1);
      },
      { passive: true }
    );

    var resizeTimer = null;
    function onResize() {
      window.clearTimeout(resizeTimer);
      resizeTimer = window.setTimeout(draw, 200);
    }
    window.addEventListener("resize", onResize);

    handle.goto = goto;
    handle.close = function () {
      if (closed) return;
      closed = true;
      token += 1;
      if (renderTask) renderTask.cancel();
      if (textLayer) textLayer.cancel();
      document.removeEventListener("keydown", onKey);
      window.removeEventListener("resize", onResize);
      window.clearTimeout(resizeTimer);
      if (reads) reads.stop();
      if (doc) doc.pdf.destroy();
      doc = null;
      ui.root.remove();
      container.dispatchEvent(
        new CustomEvent("reader:closed", { bubbles: true, detail: { paperId: options.paperId, version: options.version } })
      );
    };

    controls();
    return load().then(
      function () {
        draw();
        return handle;
      },
      function (error) {
        failed(error);
        return handle; // the retry button loads again
      }
    );
  }

  window.ecabinetReader = { open: open };

  // --- The reader page (meetings/reader.html) opens its paper by itself -----------------

  function start() {
    var page = document.querySelector("[data-testid=reader][data-autostart]");
    if (!page) return;
    var box = page.querySelector("[data-testid=reader-box]");
    var wanted = parseInt(new URLSearchParams(window.location.search).get("page") || "1", 10);
    open(box, {
      source: { url: page.dataset.fileUrl },
      paperId: Number(page.dataset.paperId),
      version: Number(page.dataset.version),
      pdfjs: page.dataset.pdfjs,
      worker: page.dataset.worker,
      page: wanted > 0 ? wanted : 1,
      reportReading: true,
    }).then(function (handle) {
      window.ecabinetReader.current = handle;
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
