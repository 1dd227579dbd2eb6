/* Names for the admin's autocomplete boxes (select2) on the article form.

   Select2 names its box by the chosen value only (empty before a choice) and adds a
   search box with no name at all, so screen readers announce unnamed fields; this
   names each after the label of the select it stands for. The plain selects underneath
   keep their labels, so the form is named without JavaScript too. */
(function () {
  "use strict";

  function labelFor(select) {
    return document.querySelector('label[for="' + select.id + '"]');
  }

  function name() {
    document.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var label = labelFor(select);
      var box = select.nextElementSibling;
      if (!label || !box || !box.classList.contains("select2")) return;
      if (!label.id) label.id = select.id + "_label";
      var text = label.textContent.replace(/:\s*$/, "").trim();
      box.querySelectorAll("[role=combobox]").forEach(function (combobox) {
        var rendered = box.querySelector(".select2-selection__rendered");
        var ids = label.id + (rendered && rendered.id ? " " + rendered.id : "");
        if (combobox.getAttribute("aria-labelledby") !== ids) {
          combobox.setAttribute("aria-labelledby", ids);
        }
      });
      // The chosen value's box (role textbox) names itself by the same label.
      box.querySelectorAll(".select2-selection__rendered[role=textbox]").forEach(function (shown) {
        if (shown.getAttribute("aria-label") !== text) shown.setAttribute("aria-label", text);
      });
      box.querySelectorAll(".select2-search__field").forEach(function (search) {
        if (search.getAttribute("aria-label") !== text) search.setAttribute("aria-label", text);
      });
    });
  }

  function start() {
    name();
    // Select2 starts after the page loads and redraws its boxes on every choice.
    var pending = false;
    new MutationObserver(function () {
      if (pending) return;
      pending = true;
      window.requestAnimationFrame(function () {
        pending = false;
        name();
      });
    }).observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
