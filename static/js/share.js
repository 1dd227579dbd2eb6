// "Copy link" under an article: copies the article's address instead of following it.
// Without JavaScript (or a clipboard) the link is a plain link to the article itself,
// which readers can copy from the address bar or the link's own menu.
document.addEventListener("click", function (event) {
  var link = event.target.closest && event.target.closest("a[data-copy-link]");
  if (!link || !navigator.clipboard) {
    return;
  }
  event.preventDefault();
  var status = link.parentNode.querySelector(".copy-status");
  navigator.clipboard.writeText(link.href).then(
    function () {
      if (status) status.textContent = "Link copied.";
    },
    function () {
      if (status) status.textContent = "Could not copy; the link is the article's address.";
    }
  );
});
