// The briefcase's drawing (docs/briefcase.md): meetings, agendas, papers, sync states and
// position forms, drawn from the state that briefcase.js keeps (the decrypted manifest,
// the outbox); nothing here touches the network or the store. Words come from the page's
// data-t-* attributes, already translated; titles are the record's own (translate=no).
(function () {
  "use strict";

  window.ecabinetBriefcaseView = function (root, state) {
    var t = root.dataset;
    var lang = document.documentElement.lang || "vi";
    var $ = function (testid) {
      return root.querySelector("[data-testid=" + testid + "]");
    };

    function say(template, values) {
      return String(template || "").replace(/\{(\w+)\}/g, function (_, name) {
        return values && values[name] !== undefined ? values[name] : "";
      });
    }

    function el(tag, className, text) {
      var node = document.createElement(tag);
      if (className) node.className = className;
      if (text !== undefined && text !== null) node.textContent = text;
      return node;
    }

    function when(ms) {
      return new Date(ms).toLocaleString(lang, {
        dateStyle: "medium",
        timeStyle: "short",
        timeZone: t.tz || undefined,
      });
    }

    function showNetwork() {
      var online = navigator.onLine;
      var badge = $("briefcase-network");
      badge.dataset.state = online ? "online" : "offline";
      badge.textContent = online ? t.tOnline : t.tOffline;
      root.querySelectorAll("[data-online-only]").forEach(function (node) {
        node.hidden = !online;
      });
    }

    function showStatus() {
      var status = $("briefcase-status");
      status.textContent = state.contact
        ? say(t.tLastContact, {
            time: when(state.contact),
            until: when(state.contact + state.offlineHours * 3600 * 1000),
          })
        : "";
    }

    function renderSync() {
      Object.keys(state.meetings).forEach(function (id) {
        var badge = root.querySelector("[data-testid=sync-" + id + "]");
        if (!badge) return;
        var progress = state.meetings[id];
        badge.dataset.state = progress.state;
        badge.className = "bc-sync bc-sync--" + progress.state;
        badge.textContent =
          progress.state === "ok"
            ? t.tOk
            : progress.state === "loading"
              ? say(t.tLoading, { n: progress.n, m: progress.m })
              : t.tFailed;
      });
    }

    function render() {
      var box = $("briefcase-meetings");
      showStatus();
      if (!state.key) {
        box.textContent = "";
        return;
      }
      // Never overwrite what the member is typing: keep the forms they touched.
      var typing = {};
      box.querySelectorAll("form[data-dirty]").forEach(function (form) {
        var checked = form.querySelector("input[name=stance]:checked");
        typing[form.dataset.item] = { stance: checked && checked.value, comment: form.elements.comment.value };
      });
      box.textContent = "";
      var meetings = state.manifest ? state.manifest.meetings : [];
      if (!meetings.length) {
        box.appendChild(el("p", "empty", state.manifest ? t.tNoMeetings : ""));
      }
      meetings.forEach(function (meeting) {
        box.appendChild(meetingCard(meeting, typing));
      });
      renderSync();
    }

    function meetingCard(meeting, typing) {
      var card = el("article", "card bc-meeting");
      card.dataset.testid = "bc-meeting-" + meeting.id;
      var head = el("header", "bc-meeting__head");
      var text = el("div", "bc-meeting__text");
      if (meeting.body) text.appendChild(el("p", "eyebrow", meeting.body)).setAttribute("translate", "no");
      text.appendChild(el("h2", null, meeting.title)).setAttribute("translate", "no");
      var facts = [meeting.starts_at ? when(Date.parse(meeting.starts_at)) : "", meeting.location || ""].filter(Boolean);
      text.appendChild(el("p", "meta", facts.join(" · "))).setAttribute("translate", "no");
      head.appendChild(text);
      var badge = el("span", "bc-sync");
      badge.dataset.testid = "sync-" + meeting.id;
      badge.setAttribute("role", "status");
      head.appendChild(badge);
      card.appendChild(head);

      var items = el("ol", "items bc-items");
      (meeting.items || []).forEach(function (item) {
        items.appendChild(itemRow(meeting, item, typing[item.id]));
      });
      card.appendChild(items);
      var general = (meeting.papers || []).filter(function (p) {
        return !p.item_id;
      });
      if (general.length) {
        card.appendChild(el("h3", "bc-general", t.tGeneral));
        card.appendChild(paperList(general));
      }
      return card;
    }

    function itemRow(meeting, item, typed) {
      var row = el("li", "item bc-item");
      row.dataset.testid = "bc-item-" + item.id;
      var head = el("div", "item__head");
      head.appendChild(el("span", "item__no", item.number));
      var main = el("div", "item__main");
      main.appendChild(el("h3", "item__title", item.title)).setAttribute("translate", "no");
      if (item.presenting_agency) {
        main.appendChild(el("p", "meta", say(t.tPresenter, { agency: item.presenting_agency })));
      }
      head.appendChild(main);
      row.appendChild(head);
      var papers = (meeting.papers || []).filter(function (p) {
        return String(p.item_id) === String(item.id);
      });
      if (papers.length) row.appendChild(paperList(papers));
      if (item.can_mark_position) row.appendChild(positionForm(item, typed));
      return row;
    }

    function paperList(papers) {
      var list = el("ul", "papers");
      papers.forEach(function (paper) {
        var row = el("li", "paper");
        row.dataset.testid = "bc-paper-" + paper.id;
        var text = el("div", "paper__text");
        text.appendChild(el("span", "paper__summary", paper.title)).setAttribute("translate", "no");
        var facts = [say(t.tVersion, { n: paper.version })];
        if (paper.page_count) facts.push(say(t.tPages, { n: paper.page_count }));
        text.appendChild(el("span", "meta", facts.join(" · ")));
        row.appendChild(text);
        renderPaperAction(row, paper);
        list.appendChild(row);
      });
      return list;
    }

    function renderPaperAction(row, paper) {
      var old = row.querySelector(".bc-paper-action");
      if (old) old.remove();
      var action;
      if (!paper.offline) {
        // Said in the page's language (the kept manifest may be in the one of its sync).
        var secret = paper.confidentiality && paper.confidentiality !== "thuong";
        action = el("span", "lock bc-paper-action", secret ? t.tSecret : paper.reason || "");
        action.dataset.testid = "bc-not-offline-" + paper.id;
      } else {
        var progress = meetingOf(paper);
        var ready = progress && (progress.state === "ok" || progress.n > 0);
        action = el("button", "btn btn--small bc-paper-action", t.tRead);
        action.type = "button";
        action.dataset.testid = "bc-read-" + paper.id;
        action.dataset.paper = paper.id;
        if (!ready) action.title = t.tNotYet;
      }
      row.appendChild(action);
    }

    function meetingOf(paper) {
      var found = null;
      (state.manifest ? state.manifest.meetings : []).forEach(function (meeting) {
        (meeting.papers || []).forEach(function (p) {
          if (p.id === paper.id) found = state.meetings[meeting.id];
        });
      });
      return found;
    }

    function positionForm(item, typed) {
      var form = el("form", "position-form bc-position");
      form.dataset.testid = "bc-position-form-" + item.id;
      form.dataset.item = item.id;
      form.noValidate = true;
      var fieldset = el("fieldset");
      fieldset.appendChild(el("legend", null, t.tYourPosition));
      var pending = state.pending[item.id];
      var current = typed || (pending ? { stance: pending.stance, comment: pending.comment } : null);
      if (!current && item.position) current = { stance: item.position.value, comment: item.position.note };
      var stances = el("div", "stances");
      ["no_objection", "wish_to_speak", "object"].forEach(function (stance) {
        var label = el("label", "stance-btn stance-btn--" + stance);
        label.dataset.testid = "bc-stance-" + stance + "-" + item.id;
        var input = el("input");
        input.type = "radio";
        input.name = "stance";
        input.value = stance;
        input.checked = !!current && current.stance === stance;
        label.appendChild(input);
        label.appendChild(el("span", null, t["t" + camel(stance)]));
        stances.appendChild(label);
      });
      fieldset.appendChild(stances);
      var field = el("div", "field");
      var id = "bc-comment-" + item.id;
      var label = el("label", null, t.tComment);
      label.htmlFor = id;
      var comment = el("textarea");
      comment.id = id;
      comment.name = "comment";
      comment.rows = 2;
      comment.maxLength = 2000;
      comment.dataset.testid = id;
      comment.value = (current && current.comment) || "";
      field.appendChild(label);
      field.appendChild(comment);
      fieldset.appendChild(field);
      var error = el("p", "error");
      error.hidden = true;
      fieldset.appendChild(error);
      var save = el("button", "btn btn--primary", t.tSavePosition);
      save.type = "submit";
      save.dataset.testid = "bc-position-save-" + item.id;
      fieldset.appendChild(save);
      var note = el("p", "bc-position__state");
      note.dataset.testid = "bc-position-state-" + item.id;
      if (pending) {
        note.dataset.state = "queued";
        note.textContent = t.tQueued;
      } else if (state.sent[item.id]) {
        note.dataset.state = state.sent[item.id] === "sent" ? "sent" : "refused";
        note.textContent = state.sent[item.id] === "sent" ? t.tSent : state.sent[item.id];
      }
      fieldset.appendChild(note);
      form.appendChild(fieldset);
      if (typed) form.dataset.dirty = "1";
      return form;
    }

    function camel(name) {
      return name.charAt(0).toUpperCase() + name.slice(1);
    }


    return {
      say: say,
      el: el,
      when: when,
      render: render,
      renderSync: renderSync,
      renderPaperAction: renderPaperAction,
      showNetwork: showNetwork,
      showStatus: showStatus,
    };
  };
})();
