// The board's chart of open warnings over time; redrawn when htmx swaps in new counts.
(function () {
  "use strict";
  var element = document.getElementById("warning-chart");
  if (!element || !window.echarts) { return; }
  var chart = echarts.init(element);
  var colors = { due_soon: "#ffc107", overdue: "#dc3545", severe: "#7a0c18", unacknowledged: "#6c757d",
                 report_missing: "#0d6efd", notice_overdue: "#212529" };

  function draw() {
    var url = element.dataset.url + window.location.search;
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        var kinds = Object.keys(data.series);
        chart.setOption({
          tooltip: { trigger: "axis", renderMode: "richText" },
          legend: { data: kinds.map(function (k) { return data.labels[k]; }), top: 0 },
          grid: { left: 40, right: 20, top: 40, bottom: 30 },
          xAxis: { type: "category", data: data.dates },
          yAxis: { type: "value", minInterval: 1 },
          series: kinds.map(function (k) {
            return { name: data.labels[k], type: "line", smooth: true, showSymbol: false,
                     data: data.series[k], itemStyle: { color: colors[k] } };
          })
        }, true);
      });
  }
  draw();
  window.addEventListener("resize", function () { chart.resize(); });
  document.body.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "board-counts") { draw(); }
  });
})();
