/* Send Django's CSRF token with CKEditor's uploads (drag, paste and the image dialog).
   Loaded only in the admin, after ckeditor.js and before any editor starts. Set on the
   shared defaults every editor's config is copied from: a value set on one editor at
   "instanceCreated" is lost when CKEditor loads that editor's config afterwards. */
(function () {
  "use strict";
  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }
  if (window.CKEDITOR) {
    window.CKEDITOR.config.fileTools_requestHeaders = { "X-CSRFToken": csrfToken() };
  }
})();
