/* The rich-text editor's text, for other scripts of the admin (admin-drafts.js): the one
   place outside articles/editor.py that knows the editor is CKEditor 4. Without the
   editor (not loaded, or a read-only form) the textarea itself is the text.

   window.newsroomEditorText.get(textarea)         -> the body's HTML now
   window.newsroomEditorText.set(textarea, html)   -> put html in the editor
   window.newsroomEditorText.onChange(textarea, f) -> call f() after each change
   window.newsroomEditorText.whenReady(textarea, f) -> call f() once the editor shows */
(function () {
  "use strict";
  function instanceFor(textarea) {
    var editors = window.CKEDITOR && window.CKEDITOR.instances;
    return editors && textarea.id ? editors[textarea.id] || null : null;
  }
  window.newsroomEditorText = {
    get: function (textarea) {
      var editor = instanceFor(textarea);
      return editor ? editor.getData() : textarea.value;
    },
    set: function (textarea, html) {
      var editor = instanceFor(textarea);
      textarea.value = html;
      if (editor) editor.setData(html);
    },
    onChange: function (textarea, callback) {
      textarea.addEventListener("input", callback);
      function listen(editor) {
        editor.on("change", callback);
      }
      var editor = instanceFor(textarea);
      if (editor) listen(editor);
      else if (window.CKEDITOR) {
        window.CKEDITOR.on("instanceCreated", function (event) {
          if (event.editor.name === textarea.id) listen(event.editor);
        });
      }
    },
    whenReady: function (textarea, done) {
      var called = false;
      function callback() {
        if (!called) {
          called = true;
          done();
        }
      }
      var editor = instanceFor(textarea);
      if (!window.CKEDITOR || (editor && editor.status === "ready")) {
        callback();
        return;
      }
      window.CKEDITOR.on("instanceReady", function (event) {
        if (event.editor.name === textarea.id) callback();
      });
      // No editor will start for this textarea (ckeditor-init found none to start).
      window.setTimeout(function () {
        if (!instanceFor(textarea)) callback();
      }, 3000);
    },
  };
})();
