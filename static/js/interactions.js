// Interactions pages: the CSAT-by-dimension chart of the survey results page.
(function () {
  "use strict";
  var canvas = document.getElementById("csat-chart");
  var source = document.getElementById("csat-data");
  if (!canvas || !source || typeof Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: [{ label: "CSAT", data: data.means, backgroundColor: "#0d6efd" }]
    },
    options: {
      indexAxis: "y",
      scales: { x: { min: 1, max: 5 } },
      plugins: { legend: { display: false } },
      maintainAspectRatio: false
    }
  });
})();
