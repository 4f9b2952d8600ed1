/* rek: small helpers for keyboard and small screens. No external code, no requests.
   - a region that still scrolls sideways (a wide table) becomes focusable and gets a name;
   - the menu and search buttons of the header are real buttons (keyboard, screen readers); the search
     dialog has a name;
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

  /* Material's header opens the menu and the search with a <label> for a hidden checkbox: fine for a
     pointer, but a label is no button for the keyboard or a screen reader. A real button takes its place
     (the label stays for pages without this script) and toggles the same checkbox. */
  function headerButton(label, input, name) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = label.className + " rek-header-button";
    button.setAttribute("data-rek-for", input.id);
    button.setAttribute("aria-label", name);
    while (label.firstChild) button.appendChild(label.firstChild);
    label.parentNode.insertBefore(button, label);
    label.classList.add("rek-replaced");
    function sync() {
      button.setAttribute("aria-expanded", input.checked ? "true" : "false");
    }
    button.addEventListener("click", function () {
      input.click(); // toggles the checkbox like the label did, with its change event
      sync();
      if (input.checked && input.id === "__search") {
        var query = document.querySelector(".md-search__input");
        if (query) query.focus();
      }
    });
    button.addEventListener("keydown", function (event) {
      if (event.key !== "Enter" && event.key !== " ") return;
      event.preventDefault();
      event.stopPropagation(); // handled here, not a second time by the theme
      button.click();
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
    return button;
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
    if (drawer && menu) menu = headerButton(menu, drawer, "Menü");
    if (search && find) headerButton(find, search, "Suche");
    var dialog = document.querySelector(".md-search[role=dialog]");
    if (dialog && !dialog.hasAttribute("aria-label")) dialog.setAttribute("aria-label", "Suche");
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
