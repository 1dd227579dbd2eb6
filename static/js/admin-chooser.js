/* The picture chooser (articles/widgets.py): the number box becomes "Choose another" and
   "Clear" buttons; the library page (ImageAdmin.chooser_view) opens in a dialog, where
   searching, paging and uploading load the next page into the dialog and choosing a
   picture fills the form's field and its thumbnail, alt text, caption and credit.
   Without this file the number box and the library page do the same job. */
(function () {
  "use strict";

  function setUp(widget) {
    var input = widget.querySelector("[data-picture-input]");
    var chosen = widget.querySelector("[data-picture-chosen]");
    var none = widget.querySelector("[data-picture-none]");
    var openButton = widget.querySelector("[data-picture-open]");
    var clearButton = widget.querySelector("[data-picture-clear]");
    var libraryUrl = widget.getAttribute("data-chooser-url");
    var dialog = null;
    var body = null;

    widget.querySelector("[data-picture-number]").hidden = true;
    widget.querySelector("[data-picture-actions]").hidden = false;
    // The field's label named the number box, now hidden: let it name the buttons' group.
    var label = document.querySelector('label[for="' + input.id + '"]');
    if (label) {
      label.id = label.id || input.id + "-label";
      widget.setAttribute("role", "group");
      widget.setAttribute("aria-labelledby", label.id);
    }

    function makeDialog() {
      dialog = document.createElement("dialog");
      dialog.className = "picture-chooser-dialog";
      var heading = document.createElement("h2");
      heading.id = input.id + "-chooser-title";
      heading.textContent = "Choose a picture";
      dialog.setAttribute("aria-labelledby", heading.id);
      var close = document.createElement("button");
      close.type = "button";
      close.className = "button picture-chooser-close";
      close.textContent = "Close";
      close.addEventListener("click", function () { dialog.close(); });
      var head = document.createElement("div");
      head.className = "picture-chooser-dialog-head";
      head.append(heading, close);
      body = document.createElement("div");
      body.className = "picture-chooser-dialog-body";
      body.setAttribute("aria-live", "polite");
      dialog.append(head, body);
      // Outside the article's form: the dialog holds forms of its own.
      document.body.appendChild(dialog);
      body.addEventListener("click", onClick);
      body.addEventListener("submit", onSubmit);
      dialog.addEventListener("close", function () { openButton.focus(); });
    }

    function load(url, options) {
      body.setAttribute("aria-busy", "true");
      fetch(url, Object.assign({ credentials: "same-origin" }, options || {}))
        .then(function (response) {
          return response.text().then(function (text) { return { status: response.status, text: text }; });
        })
        .then(show, function () { showError("The picture library could not be reached."); });
    }

    function showError(message) {
      body.removeAttribute("aria-busy");
      var p = document.createElement("p");
      p.className = "errornote";
      p.textContent = message;
      body.replaceChildren(p);
    }

    function show(result) {
      var page = new DOMParser().parseFromString(result.text, "text/html");
      var library = page.querySelector("[data-picture-library]");
      if (!library) {
        showError("The picture library could not be loaded (error " + result.status + ").");
        return;
      }
      body.removeAttribute("aria-busy");
      body.replaceChildren(document.importNode(library, true));
      body.querySelectorAll("[data-choose-picture]").forEach(function (button) { button.hidden = false; });
      var uploaded = body.querySelector("[data-picture-uploaded]");
      if (uploaded) {
        choose(uploaded);
        return;
      }
      var error = body.querySelector(".errorlist");
      var focus = error ? error.closest(".form-row").querySelector("input") : body.querySelector("input[type=search]");
      if (focus) focus.focus();
    }

    function onClick(event) {
      var link = event.target.closest("a[data-picture-page]");
      if (link) {
        event.preventDefault();
        load(link.href);
        return;
      }
      var button = event.target.closest("[data-choose-picture]");
      if (button) choose(button);
    }

    function onSubmit(event) {
      var form = event.target;
      event.preventDefault();
      if (form.method.toLowerCase() === "get") {
        load(form.action + "?" + new URLSearchParams(new FormData(form)).toString());
      } else {
        load(form.action, { method: "POST", body: new FormData(form) });
      }
    }

    function choose(button) {
      input.value = button.getAttribute("data-choose-picture");
      chosen.querySelector('[data-picture-field="alt"]').textContent = button.getAttribute("data-alt");
      chosen.querySelector('[data-picture-field="caption"]').textContent = button.getAttribute("data-caption") || "—";
      chosen.querySelector('[data-picture-field="credit"]').textContent = button.getAttribute("data-credit") || "—";
      var thumbnail = chosen.querySelector("[data-picture-thumbnail]");
      var card = button.closest(".picture-card").querySelector(".picture-card-thumbnail");
      thumbnail.replaceChildren.apply(thumbnail, Array.from(card.childNodes, function (node) { return node.cloneNode(true); }));
      chosen.hidden = false;
      none.hidden = true;
      clearButton.hidden = false;
      openButton.textContent = "Choose another";
      input.dispatchEvent(new Event("change", { bubbles: true }));
      if (dialog.open) dialog.close();
    }

    openButton.addEventListener("click", function () {
      if (!dialog) makeDialog();
      body.textContent = "Loading the picture library…";
      dialog.showModal();
      load(libraryUrl);
    });

    clearButton.addEventListener("click", function () {
      input.value = "";
      chosen.hidden = true;
      none.hidden = false;
      clearButton.hidden = true;
      openButton.textContent = "Choose a picture";
      input.dispatchEvent(new Event("change", { bubbles: true }));
      openButton.focus();
    });
  }

  // The admin puts form media in the page's head: wait for the form.
  function start() { document.querySelectorAll("[data-picture-chooser]").forEach(setUp); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
