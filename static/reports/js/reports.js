// Manager reports: the period form and printing (static/js/charts.js draws the charts).
// A file, not inline script, so the CSP can forbid inline code.
(function () {
  "use strict";

  // The period form: a preset applies at once; typing dates switches to custom dates.
  function wireFilters() {
    document.querySelectorAll("form[data-report-filters]").forEach(function (form) {
      const preset = form.querySelector("select[name=preset]");
      if (!preset) { return; }
      preset.addEventListener("change", function () {
        if (preset.value !== "custom") { form.requestSubmit(); }
      });
      form.querySelectorAll("input[type=date]").forEach(function (input) {
        input.addEventListener("change", function () { preset.value = "custom"; });
      });
      // A short, shareable address: leave out empty filters, and dates a preset sets.
      form.addEventListener("submit", function () {
        Array.from(form.elements).forEach(function (el) {
          if (!el.name) { return; }
          if (el.value === "" || (el.type === "date" && preset.value !== "custom")) {
            el.disabled = true;
          }
        });
        window.setTimeout(function () {
          Array.from(form.elements).forEach(function (el) { el.disabled = false; });
        }, 0);
      });
    });
  }

  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) { window.print(); }
  });

  // The report navigation scrolls sideways on narrow screens: bring the current report
  // into view, or the last reports' pages open with their own tab out of sight.
  function showCurrentReport() {
    const nav = document.querySelector(".report-nav");
    const current = nav && nav.querySelector("[aria-current=page]");
    if (!current || nav.scrollWidth <= nav.clientWidth) { return; }
    const link = current.getBoundingClientRect(), box = nav.getBoundingClientRect();
    if (link.left >= box.left && link.right <= box.right) { return; }
    nav.scrollLeft += link.left - box.left - (box.width - link.width) / 2;
  }

  document.addEventListener("DOMContentLoaded", function () {
    wireFilters();
    showCurrentReport();
  });
})();
