// Customer page: tabs loaded on first show (htmx), the open tab kept in the URL (?tab=),
// and the ratio trend chart of the financials tab.
(function () {
  "use strict";

  function drawRatioChart() {
    var canvas = document.getElementById("ratio-chart");
    var source = document.getElementById("ratio-chart-data");
    if (!canvas || !source || typeof Chart === "undefined" || canvas.dataset.drawn) { return; }
    canvas.dataset.drawn = "1";
    var data = JSON.parse(source.textContent);
    var colours = ["#0d6efd", "#198754", "#fd7e14", "#6f42c1"];
    var names = [
      ["debt_to_asset", canvas.dataset.labelDebt],
      ["current_ratio", canvas.dataset.labelCurrent],
      ["quick_ratio", canvas.dataset.labelQuick],
      ["revenue_growth", canvas.dataset.labelGrowth]
    ];
    // eslint-disable-next-line no-new
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

  function paneOf(link) {
    return document.querySelector(link.getAttribute("data-bs-target"));
  }

  // Load a lazy tab the first time it is shown: its pane carries hx-get and waits for this event.
  function loadPane(pane) {
    if (!pane || pane.dataset.loaded || typeof htmx === "undefined") { return; }
    pane.dataset.loaded = "1";
    pane.setAttribute("aria-busy", "true");
    htmx.trigger(pane, "crm-tab-shown");
  }

  function showTab(key) {
    var link = document.querySelector('.customer-tabs [data-tab="' + key + '"]');
    if (link && typeof bootstrap !== "undefined") { bootstrap.Tab.getOrCreateInstance(link).show(); }
  }

  document.addEventListener("shown.bs.tab", function (event) {
    var link = event.target;
    var key = link.dataset.tab;
    if (!key) { return; }
    link.removeAttribute("tabindex");
    if (event.relatedTarget) { event.relatedTarget.setAttribute("tabindex", "-1"); }
    loadPane(paneOf(link));
    var list = link.closest("[data-page-url]");
    if (history.replaceState && list) {
      // The page's own address with ?tab=, also when it was opened from a tab's URL.
      var url = new URL(list.dataset.pageUrl, window.location.href);
      url.searchParams.set("tab", key);
      history.replaceState(null, "", url.toString());
    }
  });

  // Arrow keys move between tabs (the WAI-ARIA tabs pattern).
  document.addEventListener("keydown", function (event) {
    var link = event.target;
    if (!link.closest || !link.closest(".customer-tabs") || link.getAttribute("role") !== "tab") { return; }
    var tabs = Array.prototype.slice.call(document.querySelectorAll(".customer-tabs [role=tab]"));
    var index = tabs.indexOf(link);
    var next = null;
    if (event.key === "ArrowRight") { next = tabs[(index + 1) % tabs.length]; }
    if (event.key === "ArrowLeft") { next = tabs[(index - 1 + tabs.length) % tabs.length]; }
    if (event.key === "Home") { next = tabs[0]; }
    if (event.key === "End") { next = tabs[tabs.length - 1]; }
    if (next) {
      event.preventDefault();
      next.focus();
      bootstrap.Tab.getOrCreateInstance(next).show();
    }
  });

  // Links elsewhere on the page that open a tab (the header's open-alerts count).
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(".js-open-tab");
    if (!link || typeof bootstrap === "undefined") { return; }
    event.preventDefault();
    showTab(link.dataset.tabKey);
    var tab = document.querySelector('.customer-tabs [data-tab="' + link.dataset.tabKey + '"]');
    if (tab) { tab.focus(); }
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    var pane = event.detail.target;
    if (pane && pane.setAttribute) { pane.setAttribute("aria-busy", "false"); }
    drawRatioChart();
  });

  // A tab that fails to load says so and offers the page with that tab open.
  function showLoadError(event) {
    var pane = event.detail.target || event.detail.elt;
    var template = document.getElementById("tab-load-error");
    if (!pane || !template || pane.getAttribute("role") !== "tabpanel") { return; }
    var key = document.getElementById(pane.getAttribute("aria-labelledby")).dataset.tab;
    pane.innerHTML = template.innerHTML;
    var list = document.querySelector(".customer-tabs[data-page-url]");
    var base = list ? list.dataset.pageUrl : "";
    pane.querySelector(".js-tab-fallback").setAttribute("href", base + "?tab=" + encodeURIComponent(key));
    pane.setAttribute("aria-busy", "false");
  }
  document.addEventListener("htmx:responseError", showLoadError);
  document.addEventListener("htmx:sendError", showLoadError);

  document.addEventListener("DOMContentLoaded", function () {
    // Old links used #key; keep them working.
    var key = window.location.hash.replace("#", "");
    if (key) { showTab(key); }
    drawRatioChart();
  });
})();
