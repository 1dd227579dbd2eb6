/* Keep "who has this article open" fresh while the article's form stays open: every two
   minutes, while the tab is visible, tell the server (ArticleAdmin.presence_view). The
   server records a user only when they load the page otherwise, and forgets them after
   five minutes (articles/presence.py), so this only lengthens what the page already did. */
(function () {
  "use strict";
  var EVERY_MS = 2 * 60 * 1000;

  function start() {
    var box = document.getElementById("locking");
    var token = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (!box || !box.dataset.presenceUrl || !token || !window.fetch) return;
    window.setInterval(function () {
      if (document.visibilityState !== "visible") return;
      window.fetch(box.dataset.presenceUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": token.value },
      }).catch(function () {
        // Offline for a moment: the next beat tries again.
      });
    }, EVERY_MS);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
