/* The focal point on a picture's admin page: click the preview (or move the mark with the
   arrow keys) to set "focal point across" and "focal point down", and see the 16:9 and 1:1
   crops the site will make from it before saving. The two number boxes stay as they
   are: typing in them moves the mark too, and without this file they are the way. */
(function () {
  "use strict";

  var CROPS = [
    { name: "16:9", ratio: [16, 9], label: "16:9 (lead picture, cards)" },
    { name: "1:1", ratio: [1, 1], label: "1:1 (thumbnails)" },
  ];
  var STEP = 0.02;

  // Python's round(): halves go to the even neighbour. crop_box rounds that way, and a
  // preview one pixel off the real crop would be a small lie.
  function pythonRound(value) {
    var rounded = Math.round(value);
    if (Math.abs(value % 1) === 0.5) rounded = 2 * Math.round(value / 2);
    return rounded;
  }

  function clamp(value, low, high) { return Math.max(low, Math.min(value, high)); }

  // The same rule as articles/images.py crop_box: the largest box of the shape that
  // keeps the focal point in frame, as [left, top, right, bottom] in original pixels.
  function cropBox(width, height, ratio, focalX, focalY) {
    if (!ratio) return [0, 0, width, height];
    var target = ratio[0] / ratio[1];
    var boxWidth, boxHeight;
    if (width / height > target) {
      boxWidth = Math.max(1, pythonRound(height * target));
      boxHeight = height;
    } else {
      boxWidth = width;
      boxHeight = Math.max(1, pythonRound(width / target));
    }
    var left = clamp(pythonRound(focalX * width - boxWidth / 2), 0, width - boxWidth);
    var top = clamp(pythonRound(focalY * height - boxHeight / 2), 0, height - boxHeight);
    return [left, top, left + boxWidth, top + boxHeight];
  }

  // object-position for an image shown with object-fit: cover in a box of the crop's
  // shape: the share of the spare width (height) left of (above) the crop.
  function objectPosition(width, height, box) {
    var spareX = width - (box[2] - box[0]);
    var spareY = height - (box[3] - box[1]);
    var x = spareX > 0 ? (box[0] / spareX) * 100 : 50;
    var y = spareY > 0 ? (box[1] / spareY) * 100 : 50;
    return x.toFixed(3) + "% " + y.toFixed(3) + "%";
  }

  function setUp(container) {
    var inputX = document.getElementById("id_focal_x");
    var inputY = document.getElementById("id_focal_y");
    var image = container.querySelector("img");
    if (!inputX || !inputY || !image) return; // Viewing only: nothing to set.
    var width = Number(container.getAttribute("data-width"));
    var height = Number(container.getAttribute("data-height"));

    var mark = document.createElement("span");
    mark.className = "focal-point-mark";
    mark.setAttribute("aria-hidden", "true");
    container.appendChild(mark);
    container.tabIndex = 0;
    container.setAttribute("role", "group");
    container.setAttribute("aria-label", "Focal point: click the subject, or move it with the arrow keys");
    container.classList.add("focal-point-active");

    var status = document.createElement("p");
    status.className = "help focal-point-status";
    status.setAttribute("aria-live", "polite");

    var crops = document.createElement("div");
    crops.className = "focal-point-crops";
    var heading = document.createElement("p");
    heading.className = "focal-point-crops-title";
    heading.textContent = "The crops this focal point gives:";
    crops.appendChild(heading);
    var previews = CROPS.map(function (crop) {
      var figure = document.createElement("figure");
      figure.className = "focal-point-crop";
      var frame = document.createElement("div");
      frame.className = "focal-point-crop-frame focal-point-crop-" + crop.name.replace(":", "x");
      var copy = document.createElement("img");
      copy.alt = "";
      copy.setAttribute("data-crop", crop.name);
      copy.src = image.currentSrc || image.src;
      frame.appendChild(copy);
      var caption = document.createElement("figcaption");
      caption.textContent = crop.label;
      figure.append(frame, caption);
      crops.appendChild(figure);
      return { crop: crop, image: copy };
    });
    container.after(status, crops);
    image.addEventListener("load", function () {
      previews.forEach(function (preview) { preview.image.src = image.currentSrc || image.src; });
    });

    function current(input) {
      var value = parseFloat(input.value);
      return isNaN(value) ? 0.5 : clamp(value, 0, 1);
    }

    function show() {
      var x = current(inputX);
      var y = current(inputY);
      mark.style.left = x * 100 + "%";
      mark.style.top = y * 100 + "%";
      previews.forEach(function (preview) {
        var box = cropBox(width, height, preview.crop.ratio, x, y);
        preview.image.style.objectPosition = objectPosition(width, height, box);
        preview.image.setAttribute("data-box", box.join(","));
      });
      status.textContent = "Focal point: " + Math.round(x * 100) + "% across, " + Math.round(y * 100) + "% down. Save to keep it.";
    }

    function set(x, y) {
      inputX.value = clamp(x, 0, 1).toFixed(3);
      inputY.value = clamp(y, 0, 1).toFixed(3);
      show();
    }

    image.addEventListener("click", function (event) {
      var rect = image.getBoundingClientRect();
      set((event.clientX - rect.left) / rect.width, (event.clientY - rect.top) / rect.height);
    });
    container.addEventListener("keydown", function (event) {
      var step = event.shiftKey ? STEP * 5 : STEP;
      var moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
      var move = moves[event.key];
      if (!move) return;
      event.preventDefault();
      set(current(inputX) + move[0], current(inputY) + move[1]);
    });
    inputX.addEventListener("input", show);
    inputY.addEventListener("input", show);
    show();
  }

  // For the browser tests, which check these numbers against the server's crop_box.
  window.newsroomFocalPoint = { cropBox: cropBox, objectPosition: objectPosition };

  document.querySelectorAll("[data-focal-point]").forEach(setUp);
})();
