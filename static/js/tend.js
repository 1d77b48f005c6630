// Tend's small behaviours. Loaded as a file so the CSP can forbid inline script.
(function () {
  "use strict";

  // Ask before destructive or bulk actions: <button data-confirm="Really?">.
  document.addEventListener("click", function (event) {
    const el = event.target.closest("[data-confirm]");
    if (el && !window.confirm(el.dataset.confirm)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  // "Select all" checkbox for bulk actions: <input data-select-all="name-of-boxes">.
  document.addEventListener("change", function (event) {
    const all = event.target.closest("[data-select-all]");
    if (all) {
      document.querySelectorAll('input[name="' + all.dataset.selectAll + '"]').forEach(
        function (box) { box.checked = all.checked; });
    }
    const bulk = document.querySelector("[data-bulk-count]");
    if (bulk) {
      const n = document.querySelectorAll('input[name="' + bulk.dataset.bulkCount + '"]:checked').length;
      bulk.textContent = n ? n + " selected" : "";
      document.querySelectorAll("[data-bulk-needs-selection]").forEach(function (b) { b.disabled = n === 0; });
    }
  });

  // Auto-submit filter forms when a select changes: <form data-autosubmit>.
  document.addEventListener("change", function (event) {
    const form = event.target.closest("form[data-autosubmit]");
    if (form && event.target.matches("select, input[type=checkbox], input[type=date]")) {
      if (window.htmx) { window.htmx.trigger(form, "submit"); } else { form.requestSubmit(); }
    }
  });

  // A server error during an htmx request should say so, not fail silently.
  document.addEventListener("htmx:responseError", function (event) {
    const box = document.getElementById("messages");
    if (box) {
      const alert = document.createElement("div");
      alert.className = "alert alert-danger";
      alert.setAttribute("role", "alert");
      alert.textContent = "That did not work (" + event.detail.xhr.status + "). Reload the page and try again.";
      box.replaceChildren(alert);
    }
  });
  // A table that scrolls sideways (a phone, a wide report) must be reachable by keyboard to
  // scroll it (WCAG 2.1.1): it becomes a focusable region named after its caption.
  function scrollRegions() {
    document.querySelectorAll(".table-responsive").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1) {
        const caption = box.querySelector("caption");
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", caption ? caption.textContent.trim() : "Table");
      } else if (box.getAttribute("role") === "region") {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
      }
    });
  }
  document.addEventListener("DOMContentLoaded", scrollRegions);
  document.addEventListener("htmx:afterSettle", scrollRegions);
  window.addEventListener("resize", scrollRegions);
})();
