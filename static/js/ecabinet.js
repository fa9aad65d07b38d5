// e-Cabinet: small progressive enhancements. Every page works without this file.
(function () {
  "use strict";

  // Ask before irreversible actions (publish, close, remove). The question text comes
  // from the server, already translated.
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    var question = (button && button.dataset.confirm) || event.target.dataset.confirm;
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });

  // One tap, one submission: a double tap on a weak network must not post twice.
  document.addEventListener("submit", function (event) {
    if (event.defaultPrevented) return;
    var form = event.target;
    if (form.dataset.submitting) {
      event.preventDefault();
      return;
    }
    form.dataset.submitting = "1";
    // Leave the submitter enabled until the browser has read its name=value.
    window.setTimeout(function () {
      form.querySelectorAll("button[type=submit], button:not([type])").forEach(function (b) {
        b.disabled = true;
      });
    }, 0);
  });

  // Slow work (signing, verifying, uploads, PDFs): a form with data-busy="Đang ký…" says
  // it is working, with a spinner, until the next page arrives (the guard above already
  // disables its buttons). A file input with data-max-bytes refuses a file that is too
  // large before anything is sent, so what was typed stays in the form.
  function tooLarge(form) {
    var inputs = form.querySelectorAll("input[type=file][data-max-bytes]");
    for (var i = 0; i < inputs.length; i++) {
      var input = inputs[i];
      var max = parseInt(input.dataset.maxBytes, 10);
      var file = input.files && input.files[0];
      input.setCustomValidity("");
      if (file && max && file.size > max) {
        var mb = (file.size / 1048576).toLocaleString(document.documentElement.lang || undefined, {
          maximumFractionDigits: 1,
        });
        var message = (input.dataset.tooLarge || "").replace("{size}", mb);
        input.setCustomValidity(message);
        var note = input.parentNode.querySelector("[data-testid=file-too-large]");
        if (!note) {
          note = document.createElement("p");
          note.className = "error";
          note.setAttribute("role", "alert");
          note.dataset.testid = "file-too-large";
          input.parentNode.appendChild(note);
        }
        note.textContent = message;
        return input;
      }
      var old = input.parentNode.querySelector("[data-testid=file-too-large]");
      if (old) old.remove();
    }
    return null;
  }

  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("input[type=file][data-max-bytes]")) {
      tooLarge(event.target.form);
    }
  });

  document.addEventListener(
    "submit",
    function (event) {
      var input = tooLarge(event.target);
      if (input) {
        event.preventDefault();
        event.stopImmediatePropagation();
        input.focus();
      }
    },
    true
  );

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || !form.dataset.busy || form.querySelector(".busy")) return;
    var status = document.createElement("p");
    status.className = "busy";
    status.setAttribute("role", "status");
    status.dataset.testid = "busy";
    var spinner = document.createElement("span");
    spinner.className = "spinner";
    spinner.setAttribute("aria-hidden", "true");
    status.appendChild(spinner);
    status.appendChild(document.createTextNode(" " + form.dataset.busy));
    form.appendChild(status);
    form.setAttribute("aria-busy", "true");
  });

  // A link to slow work (verifying signatures) says so once tapped, and is not followed twice.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-busy]");
    if (!link || event.ctrlKey || event.metaKey || link.target === "_blank") return;
    if (link.getAttribute("aria-disabled") === "true") {
      event.preventDefault();
      return;
    }
    link.setAttribute("aria-disabled", "true");
    link.dataset.label = link.textContent;
    link.textContent = link.dataset.busy;
    var spinner = document.createElement("span");
    spinner.className = "spinner";
    spinner.setAttribute("aria-hidden", "true");
    link.prepend(spinner, " ");
  });

  window.addEventListener("pageshow", function () {
    document.querySelectorAll("a[data-busy][aria-disabled=true]").forEach(function (link) {
      link.removeAttribute("aria-disabled");
      link.textContent = link.dataset.label;
    });
    document.querySelectorAll("form[data-busy] .busy").forEach(function (status) {
      status.parentNode.removeAttribute("aria-busy");
      status.remove();
    });
  });

  // A page about work under way (an export being prepared) looks again every few seconds.
  document.addEventListener("DOMContentLoaded", function () {
    var waiting = document.querySelector("[data-refresh-after]");
    if (waiting) {
      var seconds = parseFloat(waiting.dataset.refreshAfter) || 3;
      window.setTimeout(function () {
        window.location.reload();
      }, seconds * 1000);
    }
  });

  // A form shown again with its reasons may sit far down a long meeting page: go there.
  document.addEventListener("DOMContentLoaded", function () {
    var problem = document.querySelector("main [data-testid=form-errors]");
    if (problem) problem.scrollIntoView({ block: "center" });
  });

  // Coming back with the Back button shows the page from cache: make it usable again.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-submitting]").forEach(function (form) {
      delete form.dataset.submitting;
      form.querySelectorAll("button").forEach(function (b) {
        b.disabled = false;
      });
    });
  });

  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-back], [data-embed]");
    if (!target) return;
    if (target.hasAttribute("data-back")) {
      window.history.back();
      return;
    }
    // "Read here": load the PDF into the page only when asked, because every load
    // is a download the audit trail records.
    var frame = document.getElementById(target.dataset.target);
    if (frame) {
      if (!frame.src) frame.src = target.dataset.embed;
      frame.hidden = false;
      frame.scrollIntoView({ behavior: "smooth", block: "start" });
    }
  });

  // The comment is required when objecting: say so where the finger is.
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (input.name !== "stance") return;
    var form = input.form;
    var comment = form && form.querySelector("textarea[name=comment]");
    if (comment) {
      comment.required = input.value === "object" && input.checked;
      if (comment.required) comment.focus();
    }
  });
})();
