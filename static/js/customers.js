// Customer page: the ratio trend chart and keeping the open tab in the URL hash.
(function () {
  "use strict";

  function drawRatioChart() {
    var canvas = document.getElementById("ratio-chart");
    var source = document.getElementById("ratio-chart-data");
    if (!canvas || !source || typeof Chart === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    var colours = ["#0d6efd", "#198754", "#fd7e14", "#6f42c1"];
    var names = [
      ["debt_to_asset", canvas.dataset.labelDebt],
      ["current_ratio", canvas.dataset.labelCurrent],
      ["quick_ratio", canvas.dataset.labelQuick],
      ["revenue_growth", canvas.dataset.labelGrowth]
    ];
    new Chart(canvas, {
      type: "line",
      data: {
        labels: data.labels,
        datasets: names.map(function (pair, index) {
          return {
            label: pair[1],
            data: data.series[pair[0]],
            borderColor: colours[index],
            backgroundColor: colours[index],
            spanGaps: false,
            tension: 0.2
          };
        })
      },
      options: { responsive: true, maintainAspectRatio: false, interaction: { mode: "index", intersect: false } }
    });
  }

  function openTabFromHash() {
    var key = window.location.hash.replace("#", "");
    if (!key || typeof bootstrap === "undefined") { return; }
    var button = document.querySelector('[data-tab="' + key + '"]');
    if (button) { bootstrap.Tab.getOrCreateInstance(button).show(); }
  }

  document.addEventListener("shown.bs.tab", function (event) {
    var key = event.target.dataset.tab;
    if (key && history.replaceState) { history.replaceState(null, "", "#" + key); }
  });
  document.addEventListener("DOMContentLoaded", function () {
    openTabFromHash();
    drawRatioChart();
  });
})();
