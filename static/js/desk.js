// The desk's small behaviours (queue filters and bulk bar). Loaded as a file: strict CSP.
(function () {
  "use strict";

  // With JavaScript the filters apply on change, so the no-JS "Apply" buttons can go.
  document.documentElement.classList.add("desk-js");

  // Filter menus are <details>: close them on a click elsewhere or on Escape.
  function closeMenus(except) {
    document.querySelectorAll("details.filter-menu[open]").forEach(function (menu) {
      if (menu !== except) { menu.removeAttribute("open"); }
    });
  }
  document.addEventListener("click", function (event) {
    closeMenus(event.target.closest("details.filter-menu"));
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { closeMenus(null); }
  });

  // Keep a menu's summary ("2 chosen") in step with its boxes before the table comes back.
  document.addEventListener("change", function (event) {
    const menu = event.target.closest("details.filter-menu");
    if (!menu) { return; }
    const n = menu.querySelectorAll("input[type=checkbox]:checked").length;
    const summary = menu.querySelector("summary");
    summary.textContent = n ? n + " chosen" : summary.dataset.empty;
  });

  // Bulk buttons only make sense with ticked rows; tend.js updates them on change, this
  // sets the starting state on load and after htmx swaps in a new table.
  function refreshBulk() {
    const n = document.querySelectorAll('#bulk-form input[name="ticket"]:checked').length;
    document.querySelectorAll("#bulk-form [data-bulk-needs-selection]").forEach(function (b) {
      b.disabled = n === 0;
    });
    const bar = document.querySelector("#bulk-form [data-bulk-bar]");
    if (bar) { bar.classList.toggle("is-idle", n === 0); }
    const count = document.querySelector("#bulk-form [data-bulk-count]");
    if (count) { count.textContent = n ? n + " selected" : ""; }
  }
  document.addEventListener("DOMContentLoaded", refreshBulk);
  document.addEventListener("change", function (event) {
    if (event.target.closest("#bulk-form")) { refreshBulk(); }
  });
  document.addEventListener("htmx:afterSettle", refreshBulk);
})();
