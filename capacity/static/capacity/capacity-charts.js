// An asset's capacity charts, drawn with the vendored Chart.js (load it first). A canvas
// names its JSON block (data-capacity-chart="id", from json_script): points as
// [t_ms, min, mean, max], the threshold, the fitted trend and the forecast cone as
// [[t_ms, value], …], and events as [t_ms, label] (drawn as vertical lines). A file, not
// inline script: the CSP forbids inline. Charts swapped out by htmx are destroyed.
(function () {
  "use strict";

  const BYTES = [["TB", Math.pow(1024, 4)], ["GB", Math.pow(1024, 3)],
                 ["MB", Math.pow(1024, 2)], ["kB", 1024]];

  function format(value, unit) {
    if (value === null || value === undefined) { return "—"; }
    if (unit === "bytes" || unit === "bytes_per_second") {
      const per = unit === "bytes" ? "" : "/s";
      for (let i = 0; i < BYTES.length; i++) {
        if (Math.abs(value) >= BYTES[i][1]) {
          return (value / BYTES[i][1]).toFixed(1) + " " + BYTES[i][0] + per;
        }
      }
      return Math.round(value) + " B" + per;
    }
    if (unit === "percent") { return value.toFixed(1) + " %"; }
    if (unit === "ratio") { return (value * 100).toFixed(1) + " %"; }
    return Number(value).toLocaleString(undefined, { maximumFractionDigits: 2 });
  }

  function day(ms) {
    const d = new Date(ms);
    return d.toLocaleDateString(undefined, { day: "numeric", month: "short" });
  }

  function xy(pairs) { return pairs.map(function (p) { return { x: p[0], y: p[1] }; }); }

  // Vertical lines with a label at the top for resizes and clean-ups.
  const eventLines = {
    id: "capacityEvents",
    afterDatasetsDraw: function (chart, _args, options) {
      const events = options.events || [];
      if (!events.length) { return; }
      const ctx = chart.ctx, x = chart.scales.x, area = chart.chartArea;
      ctx.save();
      ctx.strokeStyle = "#8c6bb1";
      ctx.fillStyle = "#5e4a7a";
      ctx.setLineDash([2, 3]);
      ctx.font = "11px " + (window.Chart.defaults.font.family || "sans-serif");
      events.forEach(function (e) {
        const px = x.getPixelForValue(e[0]);
        if (px < area.left || px > area.right) { return; }
        ctx.beginPath(); ctx.moveTo(px, area.top); ctx.lineTo(px, area.bottom); ctx.stroke();
        ctx.fillText(e[1], Math.min(px + 3, area.right - 50), area.top + 11);
      });
      ctx.restore();
    }
  };

  function config(spec) {
    const points = spec.points;
    const datasets = [
      { label: "Peak", data: points.map(function (p) { return { x: p[0], y: p[3] }; }),
        borderColor: "#9fb8b6", borderWidth: 1, pointRadius: 0, tension: 0, fill: false },
      { label: "Mean", data: points.map(function (p) { return { x: p[0], y: p[2] }; }),
        borderColor: "#1f5f5b", borderWidth: 1.5, pointRadius: 0, tension: 0, fill: false }
    ];
    if (spec.trend && spec.trend.length) {
      datasets.push({ label: "Fitted trend", data: xy(spec.trend), borderColor: "#303030",
                      borderDash: [6, 4], borderWidth: 1.5, pointRadius: 0, fill: false });
    }
    if (spec.cone && spec.cone.likely) {
      datasets.push({ label: "Forecast, slowest", data: xy(spec.cone.low), borderColor: "#e07a1f",
                      borderWidth: 1, pointRadius: 0, fill: false });
      datasets.push({ label: "Forecast, fastest", data: xy(spec.cone.high), borderColor: "#e07a1f",
                      backgroundColor: "rgba(224, 122, 31, 0.18)", borderWidth: 1,
                      pointRadius: 0, fill: "-1" });
      datasets.push({ label: "Forecast, likely", data: xy(spec.cone.likely),
                      borderColor: "#b5651d", borderDash: [4, 3], borderWidth: 1.5,
                      pointRadius: 0, fill: false });
    }
    const xs = [];
    datasets.forEach(function (d) { d.data.forEach(function (p) { xs.push(p.x); }); });
    const low = Math.min.apply(null, xs), high = Math.max.apply(null, xs);
    if (spec.threshold !== null && spec.threshold !== undefined && xs.length) {
      datasets.push({ label: "Threshold", data: [{ x: low, y: spec.threshold },
                                                 { x: high, y: spec.threshold }],
                      borderColor: "#b3261e", borderWidth: 1.5, borderDash: [2, 2],
                      pointRadius: 0, fill: false });
    }
    return {
      type: "line",
      data: { datasets: datasets },
      plugins: [eventLines],
      options: {
        responsive: true, maintainAspectRatio: false, animation: false, parsing: true,
        interaction: { mode: "nearest", axis: "x", intersect: false },
        scales: {
          x: { type: "linear", min: low, max: high, grid: { display: false },
               ticks: { maxTicksLimit: 6, maxRotation: 0, callback: day } },
          y: { beginAtZero: spec.unit === "percent",
               ticks: { maxTicksLimit: 5, callback: function (v) { return format(v, spec.unit); } } }
        },
        plugins: {
          capacityEvents: { events: spec.events || [] },
          legend: { position: "bottom", labels: { boxWidth: 12 } },
          tooltip: { callbacks: {
            title: function (items) {
              return items.length ? new Date(items[0].parsed.x).toLocaleString() : "";
            },
            label: function (ctx) {
              return ctx.dataset.label + ": " + format(ctx.parsed.y, spec.unit);
            }
          } }
        }
      }
    };
  }

  function draw(canvas) {
    if (canvas.dataset.drawn) { return; }
    canvas.dataset.drawn = "1";
    try {
      const block = document.getElementById(canvas.dataset.capacityChart);
      if (!block) { return; }
      new window.Chart(canvas, config(JSON.parse(block.textContent)));
    } catch (error) {
      canvas.replaceWith(document.createTextNode(canvas.getAttribute("aria-label") ||
        "The chart could not be drawn; the table below has the numbers."));
    }
  }

  function drawAll(root) {
    if (!window.Chart) { return; }
    Object.values(window.Chart.instances).forEach(function (chart) {
      if (!chart.canvas.isConnected) { chart.destroy(); }
    });
    root.querySelectorAll("canvas[data-capacity-chart]").forEach(draw);
  }

  document.addEventListener("DOMContentLoaded", function () { drawAll(document); });
  document.addEventListener("htmx:load", function (event) { drawAll(event.target); });
})();
