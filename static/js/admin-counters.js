/* The article form's writing aids (ArticleAdmin.Media): live character counts, the
   address the slug makes, and the body's length. Progressive enhancement: the limits
   are in each field's help text and the server shows the address and length on load.

   Counts are not read out on every key: the visible count is linked to its field
   (aria-describedby, heard on focus), and a polite live region speaks only when a
   field goes over its limit or back within it. */
(function () {
  "use strict";

  function plural(number, word) {
    return number.toLocaleString("en") + " " + word + (number === 1 ? "" : "s");
  }

  function fieldLabel(field) {
    var label = document.querySelector('label[for="' + field.id + '"]');
    return label ? label.textContent.replace(/:\s*$/, "").trim() : "This field";
  }

  function addCounter(field) {
    var limit = parseInt(field.getAttribute("data-count-limit"), 10);
    if (!limit || !field.id) return;
    var count = document.createElement("span");
    count.id = field.id + "_count";
    count.className = "writing-count";
    var announcer = document.createElement("span");
    announcer.className = "writing-announcer";
    announcer.setAttribute("aria-live", "polite");
    field.insertAdjacentElement("afterend", count);
    count.insertAdjacentElement("afterend", announcer);
    var described = field.getAttribute("aria-describedby");
    field.setAttribute("aria-describedby", (described ? described + " " : "") + count.id);
    var wasOver = null;
    function update() {
      var length = Array.from(field.value).length;
      var over = length > limit;
      count.textContent =
        length + " of " + limit + " characters" + (over ? ": " + (length - limit) + " over" : "");
      count.classList.toggle("writing-over", over);
      if (wasOver !== null && over !== wasOver) {
        announcer.textContent = over
          ? fieldLabel(field) + " is over its " + limit + " characters."
          : fieldLabel(field) + " is within its " + limit + " characters.";
      }
      wasOver = over;
    }
    field.addEventListener("input", update);
    update();
  }

  function followSlug() {
    var address = document.querySelector(".slug-address");
    var slug = document.getElementById("id_slug");
    if (!address || !slug) return;
    function update() {
      address.textContent =
        address.getAttribute("data-prefix") +
        (slug.value.trim() || address.getAttribute("data-placeholder")) +
        address.getAttribute("data-suffix");
    }
    slug.addEventListener("input", update);
    slug.addEventListener("change", update);
    // The slug is filled in from the headline by the admin's own script, which sets
    // the value without an event: read it after each change of the headline.
    var headline = document.getElementById("id_headline");
    if (headline) {
      headline.addEventListener("input", function () {
        window.setTimeout(update, 0);
      });
    }
  }

  function followBody() {
    var length = document.querySelector(".body-length");
    if (!length) return;
    var perMinute = parseInt(length.getAttribute("data-words-per-minute"), 10) || 230;
    document.addEventListener("newsroom:body-text", function (event) {
      var text = (event.detail && event.detail.text) || "";
      var words = text.trim() ? text.trim().split(/\s+/).length : 0;
      var minutes = Math.ceil(words / perMinute);
      length.textContent = words
        ? plural(words, "word") + ", about " + plural(minutes, "minute") + " to read"
        : "No words yet.";
    });
  }

  function keepOnOneLine(field) {
    // A headline's box wraps, but Enter must not put a line break in the headline.
    field.addEventListener("keydown", function (event) {
      if (event.key === "Enter") event.preventDefault();
    });
  }

  function start() {
    document.querySelectorAll("[data-single-line]").forEach(keepOnOneLine);
    document.querySelectorAll("[data-count-limit]").forEach(addCounter);
    followSlug();
    followBody();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
