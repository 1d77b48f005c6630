// Live SLA countdowns: <time datetime="…" data-countdown> gains "(in 2 h 5 min)" or
// "(12 min ago)", refreshed every 30 seconds. No inline script (CSP).
(function () {
  "use strict";
  function span(ms) {
    let minutes = Math.floor(Math.abs(ms) / 60000);
    if (minutes < 1) { return "under a minute"; }
    const days = Math.floor(minutes / 1440); minutes -= days * 1440;
    const hours = Math.floor(minutes / 60); minutes -= hours * 60;
    return [days ? days + " d" : "", hours ? hours + " h" : "", minutes ? minutes + " min" : ""]
      .filter(Boolean).join(" ");
  }
  function tick() {
    document.querySelectorAll("time[data-countdown]").forEach(function (el) {
      const due = Date.parse(el.getAttribute("datetime"));
      if (isNaN(due)) { return; }
      const left = due - Date.now();
      let hint = el.nextElementSibling;
      if (!hint || !hint.classList.contains("countdown-hint")) {
        hint = document.createElement("span");
        hint.className = "countdown-hint";
        el.after(hint);
      }
      hint.textContent = left >= 0 ? " (in " + span(left) + ")" : " (" + span(left) + " ago)";
      hint.classList.toggle("text-danger", left < 0);
    });
  }
  document.addEventListener("DOMContentLoaded", tick);
  document.addEventListener("htmx:afterSettle", tick);
  setInterval(tick, 30000);
})();
