// Manager reports: charts from JSON data blocks (json_script), the period form, printing.
// A file, not inline script, so the CSP can forbid inline code.
(function () {
  "use strict";

  const PALETTE = ["#1f5f5b", "#e07a1f", "#5b7fd6", "#c2417a", "#7a9a2e", "#8c6bb1",
                   "#2a9d8f", "#b5651d", "#607d8b", "#d4a017", "#3f51b5", "#9e9d24"];
  const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  function format(value, unit) {
    if (value === null || value === undefined) { return "—"; }
    const n = Number(value);
    const text = Number.isInteger(n) ? n.toLocaleString() :
      n.toLocaleString(undefined, { maximumFractionDigits: 2 });
    if (unit === "%") { return text + " %"; }
    if (unit === "h") { return text + " h"; }
    return text;
  }

  function config(spec) {
    const line = spec.kind === "line";
    const many = spec.labels.length > 40;
    const datasets = spec.datasets.map(function (d, i) {
      const colour = d.color || PALETTE[i % PALETTE.length];
      return {
        label: d.label, data: d.data, stack: d.stack,
        backgroundColor: d.colors || (line ? colour : colour + "d9"), borderColor: d.colors || colour,
        borderWidth: line ? 2 : 0, pointRadius: line && !many ? 2 : 0, tension: 0,
        spanGaps: true, fill: false, maxBarThickness: spec.horizontal ? 28 : 48
      };
    });
    const valueAxis = { beginAtZero: true, stacked: spec.stacked,
                        ticks: { callback: function (v) { return format(v, spec.unit); } } };
    if (spec.unit === "%") { valueAxis.suggestedMax = 100; }
    const categoryAxis = { stacked: spec.stacked,
                           ticks: { autoSkip: true, maxRotation: 0, autoSkipPadding: 8 },
                           grid: { display: false } };
    const valueKey = spec.horizontal ? "x" : "y";
    return {
      type: line ? "line" : "bar",
      data: { labels: spec.labels, datasets: datasets },
      options: {
        responsive: true, maintainAspectRatio: false,
        animation: reducedMotion ? false : { duration: 250 },
        indexAxis: spec.horizontal ? "y" : "x",
        interaction: { mode: "index", intersect: false },
        scales: spec.horizontal ? { x: valueAxis, y: categoryAxis }
                                : { x: categoryAxis, y: valueAxis },
        plugins: {
          legend: { display: datasets.length > 1, position: "bottom",
                    labels: { boxWidth: 12 } },
          tooltip: { callbacks: { label: function (ctx) {
            return ctx.dataset.label + ": " + format(ctx.parsed[valueKey], spec.unit);
          } } }
        }
      }
    };
  }

  function drawCharts() {
    if (!window.Chart) { return; }
    window.Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      const data = document.getElementById(canvas.dataset.chart);
      if (!data) { return; }
      try {
        new window.Chart(canvas, config(JSON.parse(data.textContent)));
      } catch (error) {
        canvas.replaceWith(document.createTextNode("The chart could not be drawn; the table below has the figures."));
      }
    });
  }

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

  document.addEventListener("DOMContentLoaded", function () {
    wireFilters();
    drawCharts();
  });
})();
