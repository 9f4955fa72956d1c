// Behaviours of the outcome and budget pages. No inline handlers: everything is wired here.
(function () {
  "use strict";

  // Irreversible buttons (closing a budget year) ask first.
  document.addEventListener("submit", (event) => {
    const button = event.submitter;
    if (button && button.dataset.confirm && !window.confirm(button.dataset.confirm)) event.preventDefault();
  }, true);

  document.addEventListener("change", (event) => {
    const target = event.target;
    if (target.matches("[data-autosubmit]")) target.form.submit();
    if (target.matches("[data-year-nav]")) window.location.href = target.dataset.yearNav + target.value + "/";
  });

  // With nothing to draw, say so where the chart would be.
  function empty(chart, text) {
    chart.setOption({
      title: { text: text, left: "center", top: "middle", textStyle: { color: "#6c757d", fontSize: 14, fontWeight: "normal" } },
    });
  }

  function drawCharts(root) {
    const source = root.querySelector("#chart-data") || document.getElementById("chart-data");
    if (!source || typeof echarts === "undefined") return;
    const data = JSON.parse(source.textContent);
    const grades = document.getElementById("chart-grades");
    if (grades) {
      const chart = echarts.getInstanceByDom(grades) || echarts.init(grades);
      chart.clear();
      if (!data.grades.length) empty(chart, data.labels.empty);
      else chart.setOption({
        tooltip: { trigger: "item", formatter: "{b}：{c}（{d}%）", renderMode: "richText" },  // drawn on the canvas: HTML tooltips carry style="" (CSP)
        legend: { bottom: 0 },
        series: [{ type: "pie", radius: ["40%", "70%"], data: data.grades, label: { formatter: "{b}\n{c}" } }],
      });
    }
    const domains = document.getElementById("chart-domains");
    if (domains) {
      const chart = echarts.getInstanceByDom(domains) || echarts.init(domains);
      chart.clear();
      if (!data.domains.length) empty(chart, data.labels.empty);
      else chart.setOption({
        tooltip: { trigger: "axis", renderMode: "richText" },
        legend: { bottom: 0 },
        grid: { left: 8, right: 16, top: 24, bottom: 48, containLabel: true },
        xAxis: { type: "category", data: data.domains, axisLabel: { interval: 0, rotate: 20 } },
        yAxis: { type: "value", name: data.labels.unit },
        series: [
          { name: data.labels.requested, type: "bar", data: data.requested, color: "#9ec5fe" },
          { name: data.labels.recommended, type: "bar", data: data.recommended, color: "#0b4f8a" },
          { name: data.labels.final, type: "bar", data: data.final, color: "#198754" },
        ],
      });
    }
  }

  document.addEventListener("DOMContentLoaded", () => drawCharts(document));
  window.addEventListener("resize", () => {
    document.querySelectorAll(".chart").forEach((el) => {
      const chart = typeof echarts !== "undefined" && echarts.getInstanceByDom(el);
      if (chart) chart.resize();
    });
  });
})();
