/* Writing aids inside the rich-text editor (part of the editor seam, articles/editor.py).

   1. Alt text is asked for, never invented: the image dialog's "Alternative Text" box
      starts empty and, left empty, the dialog asks before inserting the picture; a
      picture dropped or pasted in gets a reminder to describe it.
   2. The form is told what the body says: a "newsroom:body-text" event on the body's
      textarea, with the plain text, which admin-counters.js counts. Nothing else in the
      admin needs to know which editor runs. */
(function () {
  "use strict";
  var CKEDITOR = window.CKEDITOR;
  if (!CKEDITOR) return;

  var NO_ALT_QUESTION =
    "This picture has no alternative text, so readers who cannot see it will not know " +
    "what it shows.\n\nInsert it without one? (Only right for a purely decorative picture.)";
  var UPLOADED_REMINDER =
    "Picture uploaded. It has no alternative text yet: double-click it and describe " +
    "what it shows in “Alternative Text”.";

  CKEDITOR.on("dialogDefinition", function (event) {
    if (event.data.name !== "image") return;
    var info = event.data.definition.getContents("info");
    var alt = info && info.get("txtAlt");
    if (!alt) return;
    alt.label = "Alternative text (what the picture shows)";
    alt.validate = function () {
      if (this.getValue().trim()) return true;
      // false keeps the dialog open with the box to fill in.
      return window.confirm(NO_ALT_QUESTION);
    };
  });

  function plainText(html) {
    // DOMParser builds an inert document: nothing in it runs or loads.
    var doc = new DOMParser().parseFromString(html.replace(/</g, " <"), "text/html");
    return doc.body ? doc.body.textContent : "";
  }

  CKEDITOR.on("instanceReady", function (event) {
    var editor = event.editor;
    var textarea = editor.element && editor.element.$;
    editor.on("fileUploadResponse", function () {
      if (editor.showNotification) {
        window.setTimeout(function () {
          editor.showNotification(UPLOADED_REMINDER, "warning");
        }, 0);
      }
    });
    if (!textarea) return;
    var timer = null;
    function tell() {
      timer = null;
      textarea.dispatchEvent(
        new CustomEvent("newsroom:body-text", {
          bubbles: true,
          detail: { text: plainText(editor.getData()) },
        })
      );
    }
    function soon() {
      if (timer) window.clearTimeout(timer);
      timer = window.setTimeout(tell, 400);
    }
    editor.on("change", soon);
    editor.on("key", soon);
    tell();
  });
})();
