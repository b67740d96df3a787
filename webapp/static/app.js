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
})();
