// Draws the analyses dashboard charts from the JSON in #analyses-chart-data (json_script).
// A suppressed figure arrives as null in `values` (it has no length to draw) and as its
// text ("<5", or "x" for a percentage of "<5") in `shown`: the chart writes that text at its place, so that it never
// looks like a zero or a missing category. The list under each chart says the same in text.
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

  // Writes the shown text of every suppressed point (value null, shown a text) just above
  // the x axis at that point's place; counts them in data-suppressed for the tests.
  var suppressedLabels = {
    id: "ropSuppressedLabels",
    afterDatasetsDraw: function (chart) {
      var ctx = chart.ctx;
      var x = chart.scales.x;
      var y = chart.scales.y;
      var written = 0;
      ctx.save();
      ctx.font = "bold 13px sans-serif";
      ctx.fillStyle = "#154273";
      ctx.textAlign = "center";
      ctx.textBaseline = "bottom";
      chart.data.datasets.forEach(function (dataset, d) {
        var shown = dataset.shown || [];
        var meta = chart.getDatasetMeta(d);
        if (meta.hidden) {
          return;
        }
        shown.forEach(function (text, i) {
          if (dataset.data[i] !== null || typeof text !== "string") {
            return;
          }
          var element = meta.data[i];
          var px = element && isFinite(element.x) ? element.x : x.getPixelForValue(i);
          // Several series hiding the same month: stack their labels upwards.
          ctx.fillText(text, px, y.bottom - 2 - 15 * (d % 4));
          written += 1;
        });
      });
      ctx.restore();
      chart.canvas.dataset.suppressed = String(written);
    }
  };

  function draw(id, config) {
    var canvas = document.getElementById(id);
    if (!canvas) {
      return;
    }
    config.plugins = [suppressedLabels];
    var chart = new window.Chart(canvas, config);
    canvas.dataset.drawn = "true";
    return chart;
  }

  draw("chart-refusals", {
    type: "bar",
    data: {
      labels: data.refusals.labels,
      datasets: [{ label: label("chart-refusals"), data: data.refusals.values, shown: data.refusals.shown, backgroundColor: palette[0] }]
    },
    options: common
  });
  draw("chart-occupancy", {
    type: "line",
    data: {
      labels: data.occupancy.labels,
      datasets: data.occupancy.series.map(function (serie, i) {
        return { label: serie.label, data: serie.values, shown: serie.shown, borderColor: palette[i % palette.length], spanGaps: false };
      })
    },
    options: Object.assign({}, common, { scales: { y: { min: 0, max: 100, title: { display: true, text: "%" } } } })
  });
  draw("chart-replacements", {
    type: "line",
    data: {
      labels: data.replacements.labels,
      datasets: [{ label: label("chart-replacements"), data: data.replacements.values, shown: data.replacements.shown, borderColor: palette[1] }]
    },
    options: Object.assign({}, common, { scales: { y: { min: 0, title: { display: true, text: "%" } } } })
  });
})();
