/* rek: filter and sort the measure catalogue in the page itself. No external code, no requests. */
(function () {
  "use strict";

  var FILTERS = [
    { column: 2, label: "Handlungsfeld", multi: true },
    { column: 3, label: "Partner", multi: true },
    { column: 4, label: "Status", multi: false },
    { column: 5, label: "Priorität", multi: false }
  ];
  var NUMERIC = { 7: true };

  function cellText(row, column) {
    var cell = row.cells[column];
    return cell ? cell.textContent.trim() : "";
  }

  function values(row, filter) {
    var text = cellText(row, filter.column);
    return filter.multi ? text.split(/,\s*/) : [text];
  }

  function euro(text) {
    var digits = text.replace(/\(.*\)/, "").replace(/[^0-9,]/g, "").replace(",", ".");
    return digits ? parseFloat(digits) : 0;
  }

  function setup(container) {
    var table = container.querySelector("table");
    if (!table || container.getAttribute("data-rek-ready")) return;
    container.setAttribute("data-rek-ready", "1");
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);

    var form = document.createElement("form");
    form.className = "rek-filters";
    form.setAttribute("role", "search");
    form.setAttribute("aria-label", "Maßnahmen filtern");
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    var selects = [];
    FILTERS.forEach(function (filter, index) {
      var options = {};
      rows.forEach(function (row) {
        values(row, filter).forEach(function (v) { if (v) options[v] = true; });
      });
      var label = document.createElement("label");
      var id = "rek-filter-" + index;
      label.setAttribute("for", id);
      label.appendChild(document.createTextNode(filter.label));
      var select = document.createElement("select");
      select.id = id;
      select.name = filter.label;
      var all = document.createElement("option");
      all.value = "";
      all.textContent = "alle";
      select.appendChild(all);
      Object.keys(options).sort(function (a, b) { return a.localeCompare(b, "de"); }).forEach(function (v) {
        var option = document.createElement("option");
        option.value = v;
        option.textContent = v;
        select.appendChild(option);
      });
      select.addEventListener("change", apply);
      label.appendChild(select);
      form.appendChild(label);
      selects.push({ filter: filter, select: select });
    });
    var reset = document.createElement("button");
    reset.type = "button";
    reset.textContent = "Filter zurücksetzen";
    reset.addEventListener("click", function () {
      selects.forEach(function (s) { s.select.value = ""; });
      apply();
    });
    form.appendChild(reset);
    var count = document.createElement("p");
    count.className = "rek-count";
    count.setAttribute("role", "status");
    count.setAttribute("aria-live", "polite");
    container.insertBefore(form, container.firstChild);
    container.insertBefore(count, form.nextSibling);

    function apply() {
      var shown = 0;
      rows.forEach(function (row) {
        var visible = selects.every(function (s) {
          return !s.select.value || values(row, s.filter).indexOf(s.select.value) >= 0;
        });
        row.hidden = !visible;
        if (visible) shown += 1;
      });
      count.textContent = shown + " von " + rows.length + " Maßnahmen angezeigt";
    }

    var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
    headers.forEach(function (th, column) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = th.textContent;
      th.textContent = "";
      th.appendChild(button);
      th.setAttribute("aria-sort", "none");
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        headers.forEach(function (other) { other.setAttribute("aria-sort", "none"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        rows.sort(function (a, b) {
          var x = cellText(a, column), y = cellText(b, column);
          var result = NUMERIC[column] ? euro(x) - euro(y) : x.localeCompare(y, "de", { numeric: true });
          return ascending ? result : -result;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
    apply();
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll(".rek-catalogue"), setup);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
