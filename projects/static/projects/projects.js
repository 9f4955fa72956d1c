// Project pages: confirmation before destructive buttons, and the upload size checked before sending
// (the server enforces the limit too; this only spares a long wait). No inline handlers (CSP-friendly).
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    if (button && button.dataset.confirm && !window.confirm(button.dataset.confirm)) {
      event.preventDefault();
    }
  }, true);

  function checkSize(input) {
    var limit = parseInt(input.dataset.maxBytes || "0", 10);
    var file = input.files && input.files[0];
    var tooLarge = limit && file && file.size > limit;
    input.setCustomValidity(tooLarge ? input.dataset.tooLarge : "");
    input.classList.toggle("is-invalid", Boolean(tooLarge));
    return !tooLarge;
  }

  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("input[type=file][data-max-bytes]")) {
      checkSize(event.target);
      event.target.reportValidity();
    }
  });
  document.addEventListener("htmx:confirm", function (event) {
    var input = event.target.querySelector && event.target.querySelector("input[type=file][data-max-bytes]");
    if (input && !checkSize(input)) {
      event.preventDefault();
      input.reportValidity();
    }
  });
})();
