/* The editor's picture library window: choosing a picture hands its address and alt
   text back to CKEditor's image dialog, then closes the window. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest(".choose-picture");
    if (!button || !window.opener || !window.opener.CKEDITOR) return;
    var library = document.querySelector(".picture-library");
    var callback = Number(library.getAttribute("data-callback"));
    var alt = button.getAttribute("data-alt");
    window.opener.CKEDITOR.tools.callFunction(callback, button.getAttribute("data-url"), function () {
      var dialog = this.getDialog && this.getDialog();
      var field = dialog && dialog.getContentElement("info", "txtAlt");
      if (field) field.setValue(alt);
    });
    window.close();
  });
})();
