/* rek: filter and sort the measure catalogue in the page itself. No external code, no requests.
   The state of filters and sorting is kept in the address (?status=…&sortierung=…), so a filtered
   view can be shared and a reload restores it. Without JavaScript the page shows the plain table. */
(function () {
  "use strict";

  // place: the rows carry the ids of the places they concern (data-places); the options are the page's
  // list of places (links to the place pages, which also work without JavaScript)
  var FILTERS = [
    { column: 2, label: "Handlungsfeld", key: "handlungsfeld", multi: true },
    { column: 3, label: "Partner", key: "partner", multi: true },
    { column: 4, label: "Ort", key: "ort", place: true },
    { column: 5, label: "Status", key: "status", multi: false },
    { column: 6, label: "Priorität", key: "prioritaet", multi: false },
    { column: 9, label: "Stand", key: "stand", multi: false }
  ];
  var NUMERIC = { 8: true };
  var SORT_KEY = "sortierung";

  function cellText(row, column) {
    var cell = row.cells[column];
    if (!cell) return "";
    var text = cell.textContent;
    Array.prototype.forEach.call(cell.querySelectorAll("[aria-hidden]"), function (icon) {
      text = text.replace(icon.textContent, "");
    });
    return text.trim();
  }

  function values(row, filter) {
    if (filter.place) return (row.getAttribute("data-places") || "").split(" ");
    var text = cellText(row, filter.column);
    return filter.multi ? text.split(/,\s*/) : [text];
  }

  function euro(text) {
    var digits = text.replace(/\(.*\)/, "").replace(/[^0-9,]/g, "").replace(",", ".");
    return digits ? parseFloat(digits) : 0;
  }

  function slug(text) {
    return text.toLowerCase().replace(/ä/g, "ae").replace(/ö/g, "oe").replace(/ü/g, "ue").replace(/ß/g, "ss")
      .replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
  }

  function element(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    if (text) node.textContent = text;
    return node;
  }

  function setup(container) {
    var table = container.querySelector("table");
    if (!table || container.getAttribute("data-rek-ready")) return;
    container.setAttribute("data-rek-ready", "1");
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var original = rows.slice();
    var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
    var names = headers.map(function (th) { return th.textContent.trim(); });

    var intro = element("p", { "class": "rek-intro" },
      "Mit den Auswahlfeldern lässt sich der Katalog nach Handlungsfeld, Partner, Ort, Status, Priorität und Stand " +
      "filtern und sortieren. Die Adresse dieser Seite hält die Auswahl fest: Sie können sie teilen oder " +
      "als Lesezeichen speichern.");
    var form = element("form", { "class": "rek-filters", role: "search", "aria-label": "Maßnahmen filtern" });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    var selects = [];
    var places = Array.prototype.slice.call(document.querySelectorAll(".rek-place-index a[data-place]"));
    FILTERS.forEach(function (filter, index) {
      if (filter.place && !places.length) return;
      var options = {};
      rows.forEach(function (row) {
        values(row, filter).forEach(function (v) { if (v) options[v] = true; });
      });
      var id = "rek-filter-" + index;
      var field = element("div", { "class": "rek-field" });
      field.appendChild(element("label", { "for": id }, filter.label));
      var select = element("select", { id: id, name: filter.key });
      select.appendChild(element("option", { value: "" }, "alle"));
      if (filter.place) {
        places.forEach(function (a) {
          select.appendChild(element("option", { value: a.getAttribute("data-place") }, a.textContent));
        });
      } else {
        Object.keys(options).sort(function (a, b) { return a.localeCompare(b, "de"); }).forEach(function (v) {
          select.appendChild(element("option", { value: v }, v));
        });
      }
      select.addEventListener("change", function () { apply(); remember(); });
      field.appendChild(select);
      form.appendChild(field);
      selects.push({ filter: filter, select: select });
    });

    var sortField = element("div", { "class": "rek-field" });
    sortField.appendChild(element("label", { "for": "rek-sort" }, "Sortieren nach"));
    var sortSelect = element("select", { id: "rek-sort", name: SORT_KEY });
    sortSelect.appendChild(element("option", { value: "" }, "Reihenfolge der Strategie"));
    names.forEach(function (name) {
      sortSelect.appendChild(element("option", { value: slug(name) + "-auf" }, name + ", aufsteigend"));
      sortSelect.appendChild(element("option", { value: slug(name) + "-ab" }, name + ", absteigend"));
    });
    sortSelect.addEventListener("change", function () { sortFromValue(sortSelect.value); remember(); });
    sortField.appendChild(sortSelect);
    form.appendChild(sortField);

    var reset = element("button", { type: "button" }, "Filter zurücksetzen");
    reset.addEventListener("click", function () {
      selects.forEach(function (s) { s.select.value = ""; });
      apply();
      remember();
    });
    form.appendChild(reset);
    var count = element("p", { "class": "rek-count", role: "status", "aria-live": "polite" });
    container.insertBefore(intro, container.firstChild);
    container.insertBefore(form, intro.nextSibling);
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
      if (shown === 0) {
        count.textContent = "Keine Maßnahme passt zu dieser Auswahl. Ändern Sie einen Filter oder " +
          "setzen Sie die Filter zurück, um alle " + rows.length + " Maßnahmen zu sehen.";
        count.classList.add("rek-count--empty");
      } else {
        count.textContent = shown + " von " + rows.length + " Maßnahmen angezeigt";
        count.classList.remove("rek-count--empty");
      }
    }

    function sortBy(column, ascending) {
      headers.forEach(function (other) { other.setAttribute("aria-sort", "none"); });
      if (column === null) {
        rows = original.slice();
        sortSelect.value = "";
      } else {
        headers[column].setAttribute("aria-sort", ascending ? "ascending" : "descending");
        sortSelect.value = slug(names[column]) + (ascending ? "-auf" : "-ab");
        rows.sort(function (a, b) {
          var x = cellText(a, column), y = cellText(b, column);
          var result = NUMERIC[column] ? euro(x) - euro(y) : x.localeCompare(y, "de", { numeric: true });
          return ascending ? result : -result;
        });
      }
      rows.forEach(function (row) { body.appendChild(row); });
    }

    function sortFromValue(value) {
      var match = /^(.*)-(auf|ab)$/.exec(value || "");
      var column = match ? names.map(slug).indexOf(match[1]) : -1;
      if (column < 0) sortBy(null, true);
      else sortBy(column, match[2] === "auf");
    }

    function remember() {
      var params = new URLSearchParams(window.location.search);
      selects.forEach(function (s) {
        if (s.select.value) params.set(s.filter.key, s.select.value);
        else params.delete(s.filter.key);
      });
      if (sortSelect.value) params.set(SORT_KEY, sortSelect.value);
      else params.delete(SORT_KEY);
      var query = params.toString();
      history.replaceState(null, "", window.location.pathname + (query ? "?" + query : "") + window.location.hash);
    }

    function restore() {
      var params = new URLSearchParams(window.location.search);
      selects.forEach(function (s) {
        var wanted = params.get(s.filter.key);
        var known = Array.prototype.some.call(s.select.options, function (o) { return o.value === wanted; });
        s.select.value = wanted && known ? wanted : "";
      });
      sortFromValue(params.get(SORT_KEY));
    }

    headers.forEach(function (th, column) {
      var button = element("button", { type: "button" }, th.textContent);
      th.textContent = "";
      th.appendChild(button);
      th.setAttribute("aria-sort", "none");
      button.addEventListener("click", function () {
        sortBy(column, th.getAttribute("aria-sort") !== "ascending");
        remember();
      });
    });
    restore();
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
