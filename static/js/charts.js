// Draws every chart on the page. The server writes each figure (data, layout, config) into
// a <script type="application/json"> block named by its div's data-figure attribute
// (ratings/charts.py figure_html): a data block is never run, so the
// Content-Security-Policy can forbid inline script. Loaded with defer, after plotly.js
// (templates/includes/plotly.html), so Plotly is defined and every chart's div is on the
// page by the time this runs.
document.querySelectorAll("div[data-figure]").forEach(function (div) {
  var figure = JSON.parse(document.getElementById(div.dataset.figure).textContent);
  Plotly.newPlot(div, figure.data, figure.layout, figure.config);
});
