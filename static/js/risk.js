// Risk pages: "select all" for bulk actions on the alert queue, and the score trend chart.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target && target.classList && target.classList.contains("js-select-all")) {
      var form = target.closest("form");
      form.querySelectorAll(".js-select-row").forEach(function (box) {
        box.checked = target.checked;
      });
    }
  });

  function drawScoreTrend(canvas) {
    var source = document.getElementById(canvas.dataset.source);
    if (!source || typeof Chart === "undefined" || canvas.dataset.drawn) {
      return;
    }
    canvas.dataset.drawn = "1";
    var points = JSON.parse(source.textContent);
    // eslint-disable-next-line no-new
    new Chart(canvas, {
      type: "line",
      data: {
        labels: points.map(function (p) { return p.as_of; }),
        datasets: [{
          label: canvas.dataset.label || "Score",
          data: points.map(function (p) { return p.score; }),
          borderColor: "#0d6efd",
          tension: 0.2,
          fill: false
        }]
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        scales: { y: { min: 0, max: 100 } },
        plugins: { legend: { display: false } }
      }
    });
  }

  function init() {
    document.querySelectorAll("canvas.js-score-trend").forEach(drawScoreTrend);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
  // The customer page may load its tabs with htmx.
  document.addEventListener("htmx:afterSettle", init);
})();
