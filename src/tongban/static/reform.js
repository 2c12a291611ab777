// Draws the reform charts from the figures embedded in the page (the tables beside them
// carry the same numbers, so the page works without this script).
(function () {
  if (typeof echarts === "undefined") { return; }
  var data = JSON.parse(document.getElementById("reform-data").textContent);
  var labels = JSON.parse(document.getElementById("reform-labels").textContent);
  var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  function pct(value) { return value === null ? null : Math.round(1000 * value) / 10; }

  var trend = document.getElementById("chart-reform-trend");
  if (trend && data.series.length) {
    var keys = ["fully_online_rate", "on_time_rate", "materials_cut", "trips_cut", "time_cut"];
    echarts.init(trend).setOption({
      animation: !still,
      tooltip: {trigger: "axis"},
      legend: {top: 0},
      grid: {containLabel: true, left: 8, right: 16, top: 40, bottom: 8},
      xAxis: {type: "category", data: data.series.map(function (s) { return s.start; })},
      yAxis: {type: "value", name: "%", max: 100},
      series: keys.map(function (key) {
        return {name: labels[key], type: "line", connectNulls: true,
                data: data.series.map(function (s) { return pct(s.rates[key]); })};
      })
    });
  } else if (trend) { trend.hidden = true; }

  var stages = document.getElementById("chart-reform-stages");
  if (stages && data.stages.length) {
    echarts.init(stages).setOption({
      animation: !still,
      tooltip: {trigger: "axis"},
      legend: {top: 0},
      grid: {containLabel: true, left: 8, right: 16, top: 40, bottom: 8},
      xAxis: {type: "category", data: data.stages.map(function (s) { return labels.stages[s.stage] || s.stage; })},
      yAxis: {type: "value"},
      series: [
        {name: labels.average, type: "bar", data: data.stages.map(function (s) { return s.average_hours; })},
        {name: labels.p90, type: "bar", data: data.stages.map(function (s) { return s.p90_hours; })}
      ]
    });
  } else if (stages) { stages.hidden = true; }
})();
