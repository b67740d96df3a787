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
  function loadFacet(url, name, done) {
    fetch(url, {headers: {"Accept": "text/html"}}).then(function (response) {
      return response.ok ? response.text() : Promise.reject(response.status);
    }).then(function (html) {
      var doc = new DOMParser().parseFromString(html, "text/html");
      var fresh = doc.querySelector("[data-testid=facet-" + name + "]");
      var current = document.querySelector("[data-testid=facet-" + name + "]");
      if (!fresh || !current) { return; }
      var fold = fresh.querySelector("details.facet-more");
      if (fold) { fold.open = true; }
      current.replaceWith(fresh);
      var box = fresh.querySelector("[data-testid=facet-filter]");
      if (box) { box.hidden = false; }
      wireFilter(fresh);
      if (done) { done(fresh); }
    }).catch(function () { window.location.href = url; });
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-testid=facet-more]");
    if (!link || !window.fetch || !window.DOMParser) { return; }
    event.preventDefault();
    loadFacet(link.href, link.getAttribute("data-facet"));
  });

  function applyFilter(facet, needle) {
    var fold = facet.querySelector("details.facet-more");
    if (fold && needle) { fold.open = true; }
    Array.prototype.forEach.call(facet.querySelectorAll(".facet-row"), function (row) {
      var link = row.querySelector("[data-testid=facet-value]");
      var value = (link && link.getAttribute("data-value") || "").toLowerCase();
      row.hidden = needle !== "" && value.indexOf(needle) === -1;
    });
  }

  // A filter box searches all of a facet's values: the first keystroke in a
  // facet with more values than shown loads them all (up to 1,000).
  function wireFilter(facet) {
    var box = facet.querySelector("[data-testid=facet-filter]");
    if (!box) { return; }
    box.addEventListener("input", function () {
      var needle = box.value.trim().toLowerCase();
      var more = facet.querySelector("[data-testid=facet-more]");
      if (more && needle && window.fetch && window.DOMParser && !facet.loadingAll) {
        facet.loadingAll = true;
        var url = new URL(more.href);
        url.searchParams.set("facet_size", "1000");
        url.hash = "";
        loadFacet(url.toString(), more.getAttribute("data-facet"), function (fresh) {
          var freshBox = fresh.querySelector("[data-testid=facet-filter]");
          freshBox.value = box.value;
          freshBox.focus();
          applyFilter(fresh, freshBox.value.trim().toLowerCase());
        });
      }
      applyFilter(facet, needle);
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
