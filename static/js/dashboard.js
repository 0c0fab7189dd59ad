// Dashboard: draws each chart from the JSON in #dashboard-data and switches chart ↔ table.
// Without JavaScript the tables stay visible; they carry the same numbers as the charts.
(function () {
  "use strict";

  var lang = document.documentElement.lang || undefined;
  var formatter = new Intl.NumberFormat(lang, { maximumFractionDigits: 2 });

  function format(value, unit) {
    if (value === null || value === undefined) { return "—"; }
    var text = formatter.format(value);
    if (unit === "%") { return text + " %"; }
    if (unit === "h") { return text + " h"; }
    return text;
  }

  function options(spec) {
    var unit = spec.unit || "";
    var opts = {
      responsive: true,
      maintainAspectRatio: false,
      plugins: {
        legend: { display: spec.type === "doughnut" || spec.datasets.length > 1 },
        tooltip: {
          callbacks: {
            label: function (context) {
              var value = context.raw;
              return (context.dataset.label ? context.dataset.label + ": " : "") + format(value, unit);
            }
          }
        }
      }
    };
    if (spec.type === "doughnut") { return opts; }
    var valueAxis = { beginAtZero: true, stacked: !!spec.stacked, ticks: { callback: function (v) { return format(v, unit); } } };
    if (spec.integer) { valueAxis.ticks.precision = 0; }
    var categoryAxis = { stacked: !!spec.stacked };
    if (spec.horizontal) {
      opts.indexAxis = "y";
      opts.scales = { x: valueAxis, y: categoryAxis };
    } else if (spec.dualAxis) {
      opts.scales = {
        y: { position: "left", suggestedMin: -100, suggestedMax: 100 },
        y1: { position: "right", min: 1, max: 5, grid: { drawOnChartArea: false } }
      };
    } else {
      opts.scales = { x: categoryAxis, y: valueAxis };
    }
    return opts;
  }

  function draw(canvas, spec) {
    var box = document.getElementById("box-" + canvas.dataset.chart);
    var table = document.getElementById("table-" + canvas.dataset.chart);
    var toggle = document.querySelector('.js-table-toggle[data-chart="' + canvas.dataset.chart + '"]');
    box.classList.remove("d-none");
    if (table) { table.classList.add("d-none"); }
    if (toggle) { toggle.classList.remove("d-none"); }
    new Chart(canvas, { type: spec.type, data: { labels: spec.labels, datasets: spec.datasets }, options: options(spec) });
  }

  function toggleTable(button) {
    var key = button.dataset.chart;
    var box = document.getElementById("box-" + key);
    var table = document.getElementById("table-" + key);
    var showTable = table.classList.contains("d-none");
    table.classList.toggle("d-none", !showTable);
    box.classList.toggle("d-none", showTable);
    button.textContent = showTable ? button.dataset.labelChart : button.dataset.labelTable;
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest(".js-table-toggle") : null;
    if (button) { toggleTable(button); }
  });

  document.addEventListener("DOMContentLoaded", function () {
    var source = document.getElementById("dashboard-data");
    if (!source || typeof Chart === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var spec = data[canvas.dataset.chart];
      if (spec) { draw(canvas, spec); }
    });
  });
})();
