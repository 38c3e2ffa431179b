// Draws the analyses dashboard charts from the JSON in #analyses-chart-data (json_script).
// A hidden (suppressed) figure arrives as null and is drawn as a gap.
(function () {
  "use strict";
  var source = document.getElementById("analyses-chart-data");
  if (!source || typeof window.Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var palette = ["#01689b", "#e17000", "#39870c", "#a90061", "#8fcae7", "#ffb612", "#673327", "#42145f", "#007bc7"];
  var common = { animation: false, responsive: true };

  // The series label comes translated from the template (data-series-label).
  function label(id) {
    var canvas = document.getElementById(id);
    return canvas ? canvas.dataset.seriesLabel : "";
  }

  function draw(id, config) {
    var canvas = document.getElementById(id);
    if (!canvas) {
      return;
    }
    var chart = new window.Chart(canvas, config);
    canvas.dataset.drawn = "true";
    return chart;
  }

  draw("chart-refusals", {
    type: "bar",
    data: {
      labels: data.refusals.labels,
      datasets: [{ label: label("chart-refusals"), data: data.refusals.values, backgroundColor: palette[0] }]
    },
    options: common
  });
  draw("chart-occupancy", {
    type: "line",
    data: {
      labels: data.occupancy.labels,
      datasets: data.occupancy.series.map(function (serie, i) {
        return { label: serie.label, data: serie.values, borderColor: palette[i % palette.length], spanGaps: false };
      })
    },
    options: Object.assign({}, common, { scales: { y: { min: 0, max: 100, title: { display: true, text: "%" } } } })
  });
  draw("chart-replacements", {
    type: "line",
    data: {
      labels: data.replacements.labels,
      datasets: [{ label: label("chart-replacements"), data: data.replacements.values, borderColor: palette[1] }]
    },
    options: Object.assign({}, common, { scales: { y: { min: 0, title: { display: true, text: "%" } } } })
  });
})();
