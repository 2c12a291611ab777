// Draws the supervision charts from the figures embedded in the page. The tables
// beside each chart carry the same data and links, so the page works without this
// script. Clicking a bar or a point opens the cases it counts: the page gives every
// value's address (series[i].urls), nothing is built here.
(function () {
  if (typeof echarts === "undefined") { return; }
  var figures = JSON.parse(document.getElementById("figures").textContent);
  var colours = ["#b71c1c", "#2e7d32", "#0b57d0"];
  var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  function hasValues(spec) {
    return spec && spec.series.some(function (series) {
      return series.data.some(function (value) { return value !== null && value !== 0; });
    });
  }

  function valueAxis(name, max) {
    return {type: "value", name: name, max: max, minInterval: max ? undefined : 1};
  }

  function draw(id, spec) {
    var element = document.getElementById(id);
    if (!element) { return; }
    if (!hasValues(spec)) { element.hidden = true; return; }  // the table says "no data"
    var category = {type: "category", data: spec.labels, axisLabel: {interval: 0, hideOverlap: true}};
    var values = spec.yNames
      ? spec.yNames.map(function (name) { return valueAxis(name); })
      : valueAxis(spec.yName, spec.yMax);
    var chart = echarts.init(element);
    chart.setOption({
      animation: !still,
      tooltip: {trigger: "axis"},
      legend: spec.series.length > 1 ? {top: 0} : undefined,
      grid: {containLabel: true, left: 8, right: 16, top: 40, bottom: 8},
      xAxis: spec.horizontal ? values : category,
      yAxis: spec.horizontal ? {type: "category", data: spec.labels, inverse: true} : values,
      series: spec.series.map(function (series, index) {
        return {
          name: series.name,
          type: series.type || "bar",
          data: series.data,
          yAxisIndex: series.yAxisIndex || 0,
          smooth: series.type === "line",
          cursor: "pointer",
          itemStyle: {color: colours[index % colours.length]}
        };
      })
    });
    chart.on("click", function (event) {
      var series = spec.series[event.seriesIndex];
      var url = series && series.urls && series.urls[event.dataIndex];
      if (url) { window.location.assign(url); }
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  draw("chart-states", figures.states);
  draw("chart-departments", figures.departments);
  draw("chart-items", figures.items);
  draw("chart-stages", figures.stages);
  draw("chart-received", figures.received);
  draw("chart-weeks", figures.weeks);
  draw("chart-reduction", figures.reduction);
})();
