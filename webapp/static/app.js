// newsearch: optional niceties only. Everything works without this file.
(function () {
  "use strict";

  // Drop empty fields from the search form so shared URLs stay short
  // (the server treats empty and missing parameters the same).
  var form = document.querySelector("[data-testid=search-form]");
  if (form) {
    form.addEventListener("submit", function () {
      var fields = form.querySelectorAll("input[name], select[name]");
      Array.prototype.forEach.call(fields, function (field) {
        var isDefault = (field.name === "sort" && field.value === "relevance") ||
          (field.name === "per_page" && field.value === "10");
        if (field.value === "" || isDefault) {
          field.disabled = true;
        }
      });
    });
    // Fields are re-enabled when the page is shown again from the back/forward cache.
    window.addEventListener("pageshow", function () {
      Array.prototype.forEach.call(form.querySelectorAll("[disabled]"), function (field) {
        field.disabled = false;
      });
    });
  }

  // On narrow screens fold the facet panel so the results come first; without
  // JavaScript it simply stays open.
  var refine = document.querySelector("[data-testid=refine-panel]");
  if (refine && window.matchMedia && window.matchMedia("(max-width: 820px)").matches) {
    refine.open = false;
  }

  // "/" focuses the search box, as on most search sites.
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    var typing = target && (target.tagName === "INPUT" || target.tagName === "SELECT" ||
      target.tagName === "TEXTAREA" || target.isContentEditable);
    if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
      var box = document.getElementById("q");
      if (box) {
        event.preventDefault();
        box.focus();
        box.select();
      }
    }
  });
  // Facet filter boxes: shown only with JavaScript; they hide the listed
  // values that do not contain the typed text (and open the "more" fold).
  Array.prototype.forEach.call(document.querySelectorAll("[data-testid=facet-filter]"), function (box) {
    box.hidden = false;
    wireFilter(box.closest("section.facet"));
  });

  // "Show more" in a facet: fetch the page with more values and swap in
  // that facet only, keeping the reader's place (the link works without JS).
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-testid=facet-more]");
    if (!link || !window.fetch || !window.DOMParser) { return; }
    event.preventDefault();
    var name = link.getAttribute("data-facet");
    fetch(link.href, {headers: {"Accept": "text/html"}}).then(function (response) {
      return response.ok ? response.text() : Promise.reject(response.status);
    }).then(function (html) {
      var doc = new DOMParser().parseFromString(html, "text/html");
      var fresh = doc.querySelector("[data-testid=facet-" + name + "]");
      var current = document.querySelector("[data-testid=facet-" + name + "]");
      if (fresh && current) {
        var fold = fresh.querySelector("details.facet-more");
        if (fold) { fold.open = true; }
        current.replaceWith(fresh);
        var box = fresh.querySelector("[data-testid=facet-filter]");
        if (box) { box.hidden = false; }
        wireFilter(fresh);
      }
    }).catch(function () { window.location.href = link.href; });
  });

  function wireFilter(facet) {
    var box = facet.querySelector("[data-testid=facet-filter]");
    if (!box) { return; }
    box.addEventListener("input", function () {
      var needle = box.value.trim().toLowerCase();
      var fold = facet.querySelector("details.facet-more");
      if (fold && needle) { fold.open = true; }
      Array.prototype.forEach.call(facet.querySelectorAll(".facet-row"), function (row) {
        var link = row.querySelector("[data-testid=facet-value]");
        var value = (link && link.getAttribute("data-value") || "").toLowerCase();
        row.hidden = needle !== "" && value.indexOf(needle) === -1;
      });
    });
  }

  // The "unusual here" panel: loaded after the page, from its HTML twin.
  var slot = document.querySelector("[data-testid=significant-slot]");
  if (slot && window.fetch && window.DOMParser) {
    fetch(slot.getAttribute("data-src"), {headers: {"Accept": "text/html"}}).then(function (response) {
      return response.ok ? response.text() : Promise.reject(response.status);
    }).then(function (html) {
      var panel = new DOMParser().parseFromString(html, "text/html")
        .querySelector("[data-testid=significant-panel]");
      if (panel) { slot.replaceChildren(panel); }
    }).catch(function () { /* the link stays */ });
  }
})();
