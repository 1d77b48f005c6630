// The check form shows only the fields of the chosen kind. Without JS all fields show.
(function () {
  "use strict";

  function sync(form) {
    const kind = form.querySelector("[name=kind]");
    if (!kind) { return; }
    form.querySelectorAll("[data-kinds]").forEach(function (box) {
      box.hidden = box.dataset.kinds.split(" ").indexOf(kind.value) === -1;
    });
    // A section with nothing to fill in for this kind goes away too.
    form.querySelectorAll("fieldset").forEach(function (set) {
      const boxes = set.querySelectorAll(".row > div");
      set.hidden = boxes.length > 0 && Array.prototype.every.call(boxes, function (b) { return b.hidden; });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-check-form]").forEach(function (form) {
      sync(form);
      form.addEventListener("change", function (event) {
        if (event.target.name === "kind") { sync(form); }
      });
    });
  });
})();
