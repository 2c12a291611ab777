// Draws the supervision charts from the figures embedded in the page. The tables
// beside each chart carry the same data, so the page works without this script.
(function () {
  if (typeof echarts === "undefined") { return; }
  var figures = JSON.parse(document.getElementById("figures").textContent);
  function draw(id, option) {
    var element = document.getElementById(id);
    if (!element) { return; }
    var chart = echarts.init(element);
    chart.setOption(option);
    window.addEventListener("resize", function () { chart.resize(); });
  }
  var red = "#b71c1c";
  draw("chart-states", {
    tooltip: {},
    xAxis: {type: "category", data: figures.states.map(function (row) { return row[0]; })},
    yAxis: {type: "value", minInterval: 1},
    series: [{type: "bar", data: figures.states.map(function (row) { return row[1]; }), itemStyle: {color: red}}]
  });
  draw("chart-ontime", {
    tooltip: {},
    xAxis: {type: "category", data: figures.onTime.map(function (row) { return row[0]; })},
    yAxis: {type: "value", max: 100, name: figures.labels.onTime},
    series: [{type: "bar", data: figures.onTime.map(function (row) { return row[1]; }), itemStyle: {color: "#2e7d32"}}]
  });
  draw("chart-trend", {
    tooltip: {trigger: "axis"},
    xAxis: {type: "category", data: figures.trend.map(function (row) { return row[0].slice(5); })},
    yAxis: {type: "value", minInterval: 1, name: figures.labels.received},
    series: [{type: "line", smooth: true, data: figures.trend.map(function (row) { return row[1]; }), itemStyle: {color: red}}]
  });
})();
