/* Work in progress survives a closed tab: the article form's headline, standfirst and
   body are kept in this browser (localStorage) as they are typed, under a key per user
   and article (the form's data-draft-key), with the version the form was opened at.
   When the article is opened again and the kept text differs from the page's, a notice
   offers "Restore your unsaved text" or "Discard". After a save that went through, the
   admin sets a short cookie naming the key (ArticleAdmin.response_change), and the next
   admin page this script runs on forgets that text. Without JavaScript (or storage)
   nothing is kept, and the form works as ever. */
(function () {
  "use strict";
  var PREFIX = "newsroom-draft:";
  var COOKIE = "newsroom_saved_draft";
  var FIELDS = ["headline", "standfirst", "body"];

  function storage() {
    try {
      var probe = PREFIX + "probe";
      window.localStorage.setItem(probe, "1");
      window.localStorage.removeItem(probe);
      return window.localStorage;
    } catch (error) {
      return null;
    }
  }

  function forgetSavedDraft(store) {
    var match = document.cookie.match(new RegExp("(?:^|;\\s*)" + COOKIE + "=([0-9a-z-]+)"));
    if (!match) return;
    store.removeItem(PREFIX + match[1]);
    document.cookie = COOKIE + "=; Max-Age=0; Path=/admin/; SameSite=Lax";
  }

  function editorText() {
    return window.newsroomEditorText || {
      get: function (field) { return field.value; },
      set: function (field, value) { field.value = value; },
      onChange: function (field, callback) { field.addEventListener("input", callback); },
      whenReady: function (field, callback) { callback(); },
    };
  }

  function start() {
    var store = storage();
    if (!store) return;
    forgetSavedDraft(store);
    var box = document.getElementById("locking");
    var form = document.getElementById("article_form");
    if (!box || !form || !box.dataset.draftKey) return;
    var fields = {};
    for (var i = 0; i < FIELDS.length; i++) {
      var field = form.elements[FIELDS[i]];
      // A read-only form (a reporter's published article) has no text to keep.
      if (!field || field.type === "hidden") return;
      fields[FIELDS[i]] = field;
    }
    var key = PREFIX + box.dataset.draftKey;
    var text = editorText();

    function current() {
      var values = {};
      FIELDS.forEach(function (name) {
        values[name] = name === "body" ? text.get(fields.body) : fields[name].value;
      });
      return values;
    }
    function differs(kept, now) {
      return FIELDS.some(function (name) {
        return (kept[name] || "") !== (now[name] || "");
      });
    }

    // Typed into the headline before the editor finished starting: kept once it has.
    var typedEarly = false;
    function noteEarly() {
      typedEarly = true;
    }
    fields.headline.addEventListener("input", noteEarly);
    fields.standfirst.addEventListener("input", noteEarly);

    text.whenReady(fields.body, function () {
      fields.headline.removeEventListener("input", noteEarly);
      fields.standfirst.removeEventListener("input", noteEarly);
      // The page's text as the server sent it: the inputs' own default values, and the
      // body as the editor reads it back (its markup, not the textarea's).
      var pageText = current();
      pageText.headline = fields.headline.defaultValue;
      pageText.standfirst = fields.standfirst.defaultValue;
      var kept = null;
      try {
        kept = JSON.parse(store.getItem(key) || "null");
      } catch (error) {
        store.removeItem(key);
      }
      // A form shown again with errors (an edit conflict, say) holds text that is not
      // saved anywhere: it is kept as it stands.
      var unsavedOnPage = !!form.querySelector(".errornote");
      var offering = !unsavedOnPage && kept && differs(kept, pageText);
      if (kept && !offering && !unsavedOnPage) store.removeItem(key);
      var timer = null;
      function keep() {
        // While the offer stands, the kept text is the one on offer: typing does not
        // overwrite it until the user has chosen.
        if (offering || timer) return;
        // At most one write per 400 ms, not one after typing stops: the editor reports
        // changes often enough that a debounce might never fire.
        timer = window.setTimeout(write, 400);
      }
      function write() {
        window.clearTimeout(timer);
        timer = null;
        if (offering || submitted) return;
        var now = current();
        if (!unsavedOnPage && !differs(now, pageText)) {
          store.removeItem(key);
          return;
        }
        now.version = box.dataset.version || "";
        now.kept_at = new Date().toISOString();
        try {
          store.setItem(key, JSON.stringify(now));
        } catch (error) {
          // Storage full: nothing kept; the form itself is unaffected.
        }
      }
      var submitted = false;
      // The last keystrokes before the tab closes are kept too.
      window.addEventListener("pagehide", write);
      document.addEventListener("visibilitychange", function () {
        if (document.visibilityState === "hidden") write();
      });
      form.addEventListener("submit", function () {
        // Kept as submitted: if the save is refused the text is still here; if it
        // goes through, the next page forgets it (the cookie above).
        write();
        submitted = true;
      });
      FIELDS.forEach(function (name) {
        if (name === "body") text.onChange(fields.body, keep);
        else fields[name].addEventListener("input", keep);
      });
      if (offering) offer(kept);
      if (unsavedOnPage) write();
      else if (typedEarly && !offering) keep();

      function offer(draft) {
        var notice = box.querySelector(".locking-drafts");
        notice.textContent = "";
        notice.setAttribute("role", "region");
        notice.setAttribute("aria-labelledby", "kept-text-heading");
        var heading = document.createElement("p");
        heading.id = "kept-text-heading";
        var when = draft.kept_at ? new Date(draft.kept_at) : null;
        heading.textContent =
          "This browser kept text you typed here and did not save" +
          (when && !isNaN(when) ? " (" + when.toLocaleString() + ")" : "") +
          ". It differs from the article as it is now.";
        var restore = document.createElement("button");
        restore.type = "button";
        restore.className = "button";
        restore.textContent = "Restore your unsaved text";
        var discard = document.createElement("button");
        discard.type = "button";
        discard.className = "button";
        discard.textContent = "Discard";
        var status = document.createElement("p");
        status.setAttribute("role", "status");
        notice.appendChild(heading);
        notice.appendChild(restore);
        notice.appendChild(discard);
        notice.appendChild(status);
        notice.hidden = false;
        restore.addEventListener("click", function () {
          FIELDS.forEach(function (name) {
            if (name === "body") text.set(fields.body, draft.body || "");
            else fields[name].value = draft[name] || "";
          });
          offering = false;
          restore.remove();
          discard.remove();
          heading.textContent = "";
          status.textContent =
            "Your unsaved text is back in the form. Save the article to keep it.";
          fields.headline.focus();
        });
        discard.addEventListener("click", function () {
          store.removeItem(key);
          offering = false;
          notice.hidden = true;
          notice.textContent = "";
          fields.headline.focus();
        });
      }
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
