// "Copy" buttons of the agent set-up page: data-copy="id" copies that element's text.
// Without the clipboard API (plain http) the text is selected for Ctrl+C instead.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    const button = event.target.closest("button[data-copy]");
    if (!button) { return; }
    const source = document.getElementById(button.dataset.copy);
    if (!source) { return; }
    const done = function () {
      const label = button.textContent;
      button.textContent = "Copied";
      setTimeout(function () { button.textContent = label; }, 1500);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(source.textContent.trim()).then(done);
    } else {
      const range = document.createRange();
      range.selectNodeContents(source);
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
    }
  });
})();
