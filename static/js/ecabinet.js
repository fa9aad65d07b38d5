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
