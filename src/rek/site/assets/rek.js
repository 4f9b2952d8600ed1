/* rek: small helpers for keyboard and small screens. No external code, no requests.
   - a region that still scrolls sideways (a wide table) becomes focusable and gets a name;
   - the menu and search buttons of the header can be reached and used with the keyboard;
   - a printout shows the full address of each link. */
(function () {
  "use strict";

  function heading(element) {
    for (var node = element; node && !node.classList.contains("md-content__inner"); node = node.parentElement) {
      for (var prev = node.previousElementSibling; prev; prev = prev.previousElementSibling) {
        if (/^H[1-6]$/.test(prev.tagName)) return prev.textContent.trim();
      }
    }
    return document.title;
  }

  function scrollRegions() {
    var candidates = document.querySelectorAll(".md-typeset__scrollwrap, .md-typeset__table, .md-typeset table");
    Array.prototype.forEach.call(candidates, function (element) {
      var style = getComputedStyle(element);
      var scrolls = /(auto|scroll)/.test(style.overflowX) && element.scrollWidth > element.clientWidth + 1;
      if (scrolls && !element.hasAttribute("data-rek-region")) {
        element.setAttribute("data-rek-region", "1");
        element.setAttribute("tabindex", "0");
        element.setAttribute("role", "region");
        element.setAttribute("aria-label", "Tabelle „" + heading(element) + "“, seitlich verschiebbar");
      } else if (!scrolls && element.hasAttribute("data-rek-region")) {
        ["data-rek-region", "tabindex", "role", "aria-label"].forEach(function (name) {
          element.removeAttribute(name);
        });
      }
    });
  }

  function headerButton(label, input, name) {
    label.setAttribute("role", "button");
    label.setAttribute("tabindex", "0");
    label.setAttribute("aria-label", name);
    function sync() {
      label.setAttribute("aria-expanded", input.checked ? "true" : "false");
    }
    label.addEventListener("keydown", function (event) {
      if (event.key !== "Enter" && event.key !== " ") return;
      event.preventDefault();
      event.stopPropagation(); // handled here, not a second time by the theme
      label.click(); // toggles the checkbox like a pointer click, with its change event
      sync();
      if (input.checked && input.id === "__drawer") {
        setTimeout(function () {
          var links = document.querySelectorAll(".md-sidebar--primary a[href], .md-sidebar--primary label[tabindex]");
          var first = Array.prototype.filter.call(links, function (e) { return e.getClientRects().length > 0; })[0];
          if (first) first.focus();
        }, 50);
      }
    });
    input.addEventListener("change", sync);
    sync();
  }

  /* Before printing, every link in the text gets its full address to show (rek.css, @media print). */
  function printTargets() {
    var header = document.querySelector(".rek-print-header");
    if (header && !header.querySelector(".rek-print-address")) {
      var line = document.createElement("p");
      line.className = "rek-print-address";
      line.textContent = "Adresse dieser Seite: " + window.location.href.split("#")[0];
      header.appendChild(line);
    }
    Array.prototype.forEach.call(document.querySelectorAll(".md-typeset a[href]"), function (a) {
      var raw = a.getAttribute("href");
      if (raw && raw.charAt(0) !== "#" && !a.closest(".md-footer")) a.setAttribute("data-print-href", a.href);
    });
  }

  function init() {
    window.addEventListener("beforeprint", printTargets);
    var drawer = document.getElementById("__drawer");
    var search = document.getElementById("__search");
    var menu = document.querySelector('.md-header label[for="__drawer"]');
    var find = document.querySelector('.md-header label[for="__search"]');
    if (drawer && menu) headerButton(menu, drawer, "Menü");
    if (search && find) headerButton(find, search, "Suche");
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && drawer && drawer.checked) {
        drawer.checked = false;
        drawer.dispatchEvent(new Event("change", { bubbles: true }));
        if (menu) menu.focus();
      }
    });
    scrollRegions();
    var timer;
    window.addEventListener("resize", function () {
      clearTimeout(timer);
      timer = setTimeout(scrollRegions, 150);
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
