// Every chart in Tend, drawn with the vendored Chart.js (load vendor/chartjs first).
// A canvas names its data: data-chart="id" of a JSON block (json_script), or data-spec="{…}"
// for the many small charts of a board row. spec.kind picks the drawing: "line" and "bar"
// (reports), "spark" (a dashboard figure's trend), "uptime" (bars of hours or days, with an
// optional latency sparkline) and "latency" (a check's last 24 hours). A file, not inline
// script, so the CSP forbids inline.
(function () {
  "use strict";

  const PALETTE = ["#1f5f5b", "#e07a1f", "#5b7fd6", "#c2417a", "#7a9a2e", "#8c6bb1",
                   "#2a9d8f", "#b5651d", "#607d8b", "#d4a017", "#3f51b5", "#9e9d24"];
  // Uptime states: their colours are CSS custom properties (monitoring.css), read once.
  const STATES = ["up", "minor", "partial", "down", "degraded", "none", "maint"];
  const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  let colours = null;

  function stateColours() {
    if (!colours) {
      const style = getComputedStyle(document.documentElement);
      colours = {};
      STATES.forEach(function (s) {
        colours[s] = style.getPropertyValue("--mon-" + s).trim() || "#d9dee3";
      });
      colours.line = style.getPropertyValue("--tend").trim() || "#1f5f5b";
    }
    return colours;
  }

  function format(value, unit) {
    if (value === null || value === undefined) { return "—"; }
    const n = Number(value);
    const text = Number.isInteger(n) ? n.toLocaleString() :
      n.toLocaleString(undefined, { maximumFractionDigits: 2 });
    if (unit === "%") { return text + " %"; }
    if (unit === "h") { return text + " h"; }
    if (unit === "ms") { return text + " ms"; }
    return text;
  }

  // Reports: labelled series, as bars or lines.
  function series(spec) {
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
    // A count has no half tickets: whole-number steps, even on a short axis.
    if (!spec.unit) { valueAxis.ticks.precision = 0; }
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

  // Bars a line tall clip a tooltip drawn inside their canvas: show theirs in one shared
  // element over the page instead (placed through the CSSOM, which the CSP allows).
  let tip = null;
  function pageTip(context) {
    const t = context.tooltip;
    if (!tip) {
      tip = document.createElement("div");
      tip.className = "chart-tip";
      tip.hidden = true;
      document.body.appendChild(tip);
    }
    if (t.opacity === 0 || !t.body) { tip.hidden = true; return; }
    tip.replaceChildren.apply(tip, t.body.map(function (item) {
      const line = document.createElement("div");
      line.textContent = item.lines.join(" ");
      return line;
    }));
    tip.hidden = false;
    const box = context.chart.canvas.getBoundingClientRect();
    const half = tip.offsetWidth / 2;
    const x = Math.min(Math.max(box.left + t.caretX, half + 4),
                       document.documentElement.clientWidth - half - 4);
    tip.style.left = (x + window.scrollX - half) + "px";
    tip.style.top = (box.top + window.scrollY - tip.offsetHeight - 6) + "px";
  }

  // Uptime: runs of [length, state, tooltip] become one bar per hour or day, coloured by
  // state. A latency sparkline, when given, is drawn above the bars on the same axis
  // (values scaled into 1.25–2.2), so one small chart serves a board cell.
  function uptime(spec) {
    const c = stateColours();
    const fill = [], titles = [];
    spec.runs.forEach(function (run) {
      for (let i = 0; i < run[0]; i++) { fill.push(c[run[1]] || c.none); titles.push(run[2]); }
    });
    const labels = fill.map(function (_c, i) { return i; });
    const datasets = [{ type: "bar", data: fill.map(function () { return 1; }),
                        backgroundColor: fill, hoverBackgroundColor: fill, borderWidth: 0,
                        barPercentage: fill.length > 40 ? 0.7 : 0.75, categoryPercentage: 1 }];
    const latency = spec.latency || null;
    if (latency) {
      const top = Math.max.apply(null, latency.filter(function (v) { return v !== null; })) || 1;
      datasets.push({ type: "line", borderColor: c.line, borderWidth: 1.5, pointRadius: 0,
                      pointHoverRadius: 2, tension: 0, spanGaps: true,
                      data: latency.map(function (v) {
                        return v === null ? null : 1.25 + 0.95 * v / top;
                      }) });
    }
    return {
      type: "bar",
      data: { labels: labels, datasets: datasets },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        layout: { padding: 0 },
        interaction: { mode: "index", intersect: false },
        scales: { x: { display: false }, y: { display: false, min: 0, max: latency ? 2.2 : 1 } },
        plugins: {
          legend: { display: false },
          tooltip: { enabled: false, external: pageTip, callbacks: {
            title: function () { return ""; },
            label: function (ctx) {
              if (ctx.datasetIndex === 0) { return titles[ctx.dataIndex]; }
              return "Mean latency: " + format(latency[ctx.dataIndex], "ms");
            }
          } }
        }
      }
    };
  }

  // A check's latency over time; x in seconds, read in the site's time zone (spec.offset).
  function latency(spec) {
    const c = stateColours();
    function clock(seconds, withSeconds) {
      const d = new Date((spec.start + seconds + spec.offset) * 1000);
      const pad = function (n) { return String(n).padStart(2, "0"); };
      return pad(d.getUTCHours()) + ":" + pad(d.getUTCMinutes()) +
        (withSeconds ? ":" + pad(d.getUTCSeconds()) : "");
    }
    const end = spec.x[spec.x.length - 1] || 1;
    // Ticks on whole local hours (or quarters), as many as fit the width, not at odd seconds.
    function roundTicks(width) {
      const room = Math.max(2, Math.floor(width / 70));
      const step = [900, 1800, 3600, 7200, 10800, 21600, 43200].find(function (s) {
        return end / s <= room;
      }) || 86400;
      const ticks = [];
      let t = step - (spec.start + spec.offset) % step;
      for (; t <= end; t += step) { ticks.push({ value: t }); }
      return ticks;
    }
    const line = spec.x.map(function (x, i) { return { x: x, y: spec.ms[i] }; });
    const failed = spec.down.map(function (i) { return { x: spec.x[i], y: 1 }; });
    return {
      type: "line",
      data: { datasets: [
        { label: "Latency", data: line, borderColor: c.line, backgroundColor: c.line,
          borderWidth: 1.5, pointRadius: 0, pointHoverRadius: 3, tension: 0, spanGaps: true },
        { type: "bar", label: "Failed run", data: failed, yAxisID: "failed",
          backgroundColor: c.down + "8c", barThickness: 2 }
      ] },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        interaction: { mode: "nearest", axis: "x", intersect: false },
        scales: {
          x: { type: "linear", min: 0, max: end, offset: false, grid: { display: false },
               afterBuildTicks: function (scale) { scale.ticks = roundTicks(scale.chart.width); },
               ticks: { maxRotation: 0, callback: function (v) { return clock(v, false); } } },
          y: { beginAtZero: true,
               ticks: { maxTicksLimit: 5, callback: function (v) { return format(v, "ms"); } } },
          failed: { display: false, min: 0, max: 1 }
        },
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: {
            title: function (items) { return items.length ? clock(items[0].parsed.x, true) : ""; },
            label: function (ctx) {
              return ctx.datasetIndex === 0 ? format(ctx.parsed.y, "ms") : "failed run";
            }
          } }
        }
      }
    };
  }

  // A dashboard sparkline: one figure per bucket of the period, no axes, the latest value
  // marked. Its tooltip (over the page: the canvas is a line tall) names the bucket and the
  // value as the page writes it (spec.shown), so a duration reads "2 h 5 min", not seconds.
  function spark(spec) {
    const c = stateColours();
    let latest = -1;
    spec.data.forEach(function (v, i) { if (v !== null) { latest = i; } });
    // The value range, set here: left to itself a scale a line tall rounds to "nice" ticks
    // (0–200 for 33–100 %) and flattens the line. A level line sits in the middle.
    const known = spec.data.filter(function (v) { return v !== null; });
    const low = Math.min.apply(null, known), high = Math.max.apply(null, known);
    const pad = high > low ? (high - low) * 0.08 : Math.abs(high) * 0.1 || 1;
    return {
      type: "line",
      data: { labels: spec.labels, datasets: [{
        data: spec.data, borderColor: c.line, backgroundColor: c.line, borderWidth: 1.5,
        tension: 0, spanGaps: true, fill: false, pointHoverRadius: 3, clip: false,
        pointRadius: function (ctx) { return ctx.dataIndex === latest ? 2.5 : 0; }
      }] },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        layout: { padding: { top: 4, bottom: 4, left: 3, right: 4 } },
        interaction: { mode: "index", intersect: false },
        scales: { x: { display: false },
                  y: { display: false, min: low - pad, max: high + pad } },
        plugins: {
          legend: { display: false },
          tooltip: { enabled: false, external: pageTip, callbacks: {
            title: function () { return ""; },
            label: function (ctx) {
              return spec.labels[ctx.dataIndex] + ": " + spec.shown[ctx.dataIndex];
            }
          } }
        }
      }
    };
  }

  const KINDS = { line: series, bar: series, uptime: uptime, latency: latency, spark: spark };

  function spec(canvas) {
    if (canvas.dataset.spec) { return JSON.parse(canvas.dataset.spec); }
    const block = document.getElementById(canvas.dataset.chart);
    return block ? JSON.parse(block.textContent) : null;
  }

  function draw(canvas, still) {
    if (canvas.dataset.drawn) { return; }
    canvas.dataset.drawn = "1";
    try {
      const found = spec(canvas);
      if (!found) { return; }
      const config = KINDS[found.kind](found);
      if (still) { config.options.animation = false; }
      new window.Chart(canvas, config);
    } catch (error) {
      canvas.replaceWith(document.createTextNode(canvas.getAttribute("aria-label") ||
        "The chart could not be drawn."));
    }
  }

  // A board page holds hundreds of small charts: draw each as it nears the screen (cells
  // hidden on a phone never are), and free charts whose canvas htmx swapped out.
  const watcher = "IntersectionObserver" in window ? new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      if (entry.isIntersecting) { watcher.unobserve(entry.target); draw(entry.target, false); }
    });
  }, { rootMargin: "200px 0px" }) : null;

  function drawAll(root, now) {
    if (!window.Chart) { return; }
    Object.values(window.Chart.instances).forEach(function (chart) {
      if (!chart.canvas.isConnected) { chart.destroy(); }
    });
    root.querySelectorAll("canvas[data-chart], canvas[data-spec]").forEach(function (canvas) {
      if (now || !watcher) { draw(canvas, now); } else { watcher.observe(canvas); }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (window.Chart) {
      window.Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
      window.Chart.defaults.color = getComputedStyle(document.body)
        .getPropertyValue("--bs-secondary-color").trim() || "#595c5f";
    }
    drawAll(document, false);
  });
  document.addEventListener("htmx:load", function (event) { drawAll(event.target, false); });
  // Printing shows charts not scrolled to yet.
  window.addEventListener("beforeprint", function () { drawAll(document, true); });
})();
