// What every page shares. The Content-Security-Policy allows no inline style attribute, so sizes
// that come from data (a progress bar's width) are set here, through the DOM, from data-*.
(function () {
  "use strict";
  htmx.onLoad(function (root) {
    root.querySelectorAll("[data-progress]").forEach(function (bar) {
      bar.style.width = Math.max(0, Math.min(100, Number(bar.dataset.progress) || 0)) + "%";
    });
    // No inline handlers either: a button that prints the page says so with data-print.
    root.querySelectorAll("[data-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
  });
})();
