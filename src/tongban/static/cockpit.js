// 数据驾驶舱: fetches the reform figures (JSON API) and redraws the figures and charts
// every data-refresh-seconds, without reloading the page.
(function () {
  var body = document.body;
  var source = body.getAttribute("data-source");
  var every = 1000 * Number(body.getAttribute("data-refresh-seconds") || 60);
  var charts = {};
  function pct(value) { return value === null || value === undefined ? "—" : (Math.round(1000 * value) / 10) + " %"; }
  function chart(id) {
    if (typeof echarts === "undefined") { return null; }
    if (!charts[id]) { charts[id] = echarts.init(document.getElementById(id), "dark", {renderer: "canvas"}); }
    return charts[id];
  }
  function show(data) {
    var headline = document.getElementById("cockpit-headline");
    headline.textContent = data.headline || headline.getAttribute("data-empty");
    document.getElementById("cockpit-period").textContent = data.first + " — " + data.last;
    // the platform's zone, as the period beside it, not the wall screen's own
    document.getElementById("cockpit-updated").textContent = new Date().toLocaleTimeString(
      document.documentElement.lang || [], {timeZone: body.getAttribute("data-zone"), hour12: false});
    document.querySelectorAll("[data-count]").forEach(function (el) {
      el.textContent = Math.round(data.total.counts[el.getAttribute("data-count")]).toLocaleString();
    });
    document.querySelectorAll("[data-rate]").forEach(function (el) {
      el.textContent = pct(data.total.rates[el.getAttribute("data-rate")]);
    });
    document.querySelectorAll("[data-catalog]").forEach(function (el) {
      el.textContent = pct(data.catalog[el.getAttribute("data-catalog")]);
    });
    var trendElement = document.getElementById("cockpit-trend");
    var trend = chart("cockpit-trend");
    if (trend) {
      trend.setOption({
        backgroundColor: "transparent", textStyle: {fontSize: 16},
        tooltip: {trigger: "axis"}, legend: {top: 8, textStyle: {fontSize: 18}},
        grid: {containLabel: true, left: 16, right: 24, top: 56, bottom: 16},
        xAxis: {type: "category", data: data.series.map(function (s) { return s.start.slice(5); })},
        yAxis: {type: "value", minInterval: 1},
        series: [
          {name: trendElement.getAttribute("data-received"), type: "line", smooth: true,
           data: data.series.map(function (s) { return s.counts.received; })},
          {name: trendElement.getAttribute("data-decided"), type: "bar",
           data: data.series.map(function (s) { return s.counts.decided; })}
        ]
      });
    }
    var deptElement = document.getElementById("cockpit-departments");
    var depts = chart("cockpit-departments");
    if (depts) {
      var codes = Object.keys(data.departments).filter(function (c) { return data.departments[c].rates.on_time_rate !== null; });
      // a label column of at most two fifths of the chart: long (English) names are cut
      // with "…" (the tooltip gives them whole) so the bars keep the rest of the width
      var labelWidth = Math.max(80, Math.floor(deptElement.clientWidth * 0.4) - 24);
      depts.setOption({
        backgroundColor: "transparent", textStyle: {fontSize: 16},
        tooltip: {trigger: "axis"},
        grid: {containLabel: true, left: 16, right: 32, top: 16, bottom: 40},
        xAxis: {type: "value", max: 100, name: deptElement.getAttribute("data-name"),
                nameLocation: "middle", nameGap: 28},
        yAxis: {type: "category", inverse: true,
                axisLabel: {width: labelWidth, overflow: "truncate", ellipsis: "…", interval: 0},
                data: codes.map(function (c) { return data.departments[c].name; })},
        series: [{type: "bar", data: codes.map(function (c) { return Math.round(1000 * data.departments[c].rates.on_time_rate) / 10; })}]
      });
    }
  }
  function load() {
    fetch(source, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data) { show(data); body.setAttribute("data-loaded", String(Date.now())); } })
      .catch(function () { /* keep the last figures; try again at the next refresh */ });
  }
  window.addEventListener("resize", function () { Object.keys(charts).forEach(function (k) { charts[k].resize(); }); });
  load();
  window.setInterval(load, every);
})();
