// The cockpit's charts: each bar opens the project list behind it. No inline handlers.
(function () {
  "use strict";

  function draw(id, data, labels) {
    const el = document.getElementById(id);
    if (!el || typeof echarts === "undefined") return;
    const chart = echarts.getInstanceByDom(el) || echarts.init(el);
    chart.clear();
    if (!data.labels.length) {
      chart.setOption({ title: { text: labels.empty, left: "center", top: "middle", textStyle: { color: "#6c757d", fontSize: 14, fontWeight: "normal" } } });
      return;
    }
    const narrow = el.clientWidth < 480;
    chart.setOption({
      tooltip: { trigger: "axis" },
      legend: { bottom: 0 },
      grid: { left: 8, right: 12, top: 12, bottom: 40, containLabel: true },
      xAxis: { type: "category", data: data.labels, axisLabel: { interval: 0, rotate: narrow || data.labels.length > 4 ? 30 : 0, width: 90, overflow: "truncate" } },
      yAxis: { type: "value" },  // the unit is in the card title
      series: [
        { name: labels.requested, type: "bar", data: data.requested, color: "#9ec5fe" },
        { name: labels.approved, type: "bar", data: data.approved, color: "#0b4f8a" },
        { name: labels.spent, type: "bar", data: data.spent, color: "#198754" },
      ],
    });
    chart.off("click");
    chart.on("click", (params) => {
      const url = data.urls[params.dataIndex];
      if (url) window.location.href = url;
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    const source = document.getElementById("cockpit-charts");
    if (!source) return;
    const charts = JSON.parse(source.textContent);
    if (!charts.with_money) return;
    ["domain", "region", "year"].forEach((by) => draw("chart-" + by, charts[by], charts.labels));
  });
  window.addEventListener("resize", () => {
    document.querySelectorAll(".chart").forEach((el) => {
      const chart = typeof echarts !== "undefined" && echarts.getInstanceByDom(el);
      if (chart) chart.resize();
    });
  });
})();
