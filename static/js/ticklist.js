// Tick-box lists of the plan and window editors (templates/maintenance/_ticklist.html): a
// filter box narrows a long list as one types, and a line says how many boxes are ticked.
// Without JavaScript the whole list shows, ticked ones first, which still works. A file,
// not inline script: the CSP forbids inline.
(function () {
  "use strict";

  function setUp(list) {
    if (list.dataset.ready) { return; }
    list.dataset.ready = "1";
    const status = list.querySelector("[data-ticklist-status]");
    const filter = list.querySelector("[data-ticklist-filter]");
    const none = list.querySelector("[data-ticklist-none]");
    const items = Array.prototype.slice.call(list.querySelectorAll(".form-check"));
    const names = items.map(function (item) { return item.textContent.trim().toLowerCase(); });
    const total = Number(status.dataset.total).toLocaleString();
    let shown = items.length;

    function say() {
      const ticked = list.querySelectorAll("input[type=checkbox]:checked").length;
      let text = ticked.toLocaleString() + " of " + total + " chosen";
      if (filter && filter.value.trim()) {
        text += "; " + shown.toLocaleString() + " match the filter";
      }
      status.textContent = text;
    }

    list.addEventListener("change", function (event) {
      if (event.target.type === "checkbox") { say(); }
    });
    if (!filter) { return; }
    list.querySelector("[data-ticklist-tools]").hidden = false;
    filter.addEventListener("input", function () {
      const wanted = filter.value.trim().toLowerCase();
      shown = 0;
      items.forEach(function (item, i) {
        const hit = !wanted || names[i].indexOf(wanted) !== -1;
        item.hidden = !hit;
        if (hit) { shown += 1; }
      });
      none.hidden = shown > 0;
      say();
    });
    filter.addEventListener("keydown", function (event) {
      // Enter in a filter box would submit the whole form; Escape clears the filter.
      if (event.key === "Enter") { event.preventDefault(); }
      if (event.key === "Escape" && filter.value) {
        event.preventDefault();
        filter.value = "";
        filter.dispatchEvent(new Event("input"));
      }
    });
  }

  function setUpAll(root) {
    if (root.querySelectorAll) { root.querySelectorAll("[data-ticklist]").forEach(setUp); }
  }

  document.addEventListener("DOMContentLoaded", function () { setUpAll(document); });
  document.addEventListener("htmx:load", function (event) { setUpAll(event.target); });
})();
