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

  // Keyboard triage on the results page (Gmail's keys, which most people know):
  // j/k move, o or Enter open, x marks as read (kept in this browser's local
  // storage, never sent anywhere), "/" focuses the box, "?" shows the keys.
  var READ_KEY = "newsearch.read";
  var READ_LIMIT = 5000;
  var results = Array.prototype.slice.call(document.querySelectorAll("[data-testid=result]"));
  var active = -1;
  var help = document.getElementById("keys-help");

  function readIds() {
    try {
      var stored = JSON.parse(window.localStorage.getItem(READ_KEY) || "[]");
      return Array.isArray(stored) ? stored : [];
    } catch (error) {
      return [];
    }
  }

  function saveReadIds(ids) {
    try {
      window.localStorage.setItem(READ_KEY, JSON.stringify(ids.slice(-READ_LIMIT)));
    } catch (error) {
      // Storage full or disabled: the mark stays on this page only.
    }
  }

  function showRead(item, read) {
    item.classList.toggle("is-read", read);
    var badge = item.querySelector(".read-badge");
    if (read && !badge) {
      badge = document.createElement("span");
      badge.className = "read-badge";
      badge.setAttribute("data-testid", "read-badge");
      badge.textContent = "Read";
      var title = item.querySelector(".result-title");
      (title || item).appendChild(badge);
    } else if (!read && badge) {
      badge.parentNode.removeChild(badge);
    }
  }

  function applyReadMarks() {
    var ids = readIds();
    results.forEach(function (item) {
      showRead(item, ids.indexOf(item.getAttribute("data-id")) !== -1);
    });
  }

  function toggleRead(item) {
    var id = item.getAttribute("data-id");
    var ids = readIds();
    var at = ids.indexOf(id);
    if (at === -1) {
      ids.push(id);
    } else {
      ids.splice(at, 1);
    }
    saveReadIds(ids);
    showRead(item, at === -1);
  }

  function moveTo(index) {
    if (!results.length) {
      return;
    }
    index = Math.max(0, Math.min(results.length - 1, index));
    if (active >= 0) {
      results[active].classList.remove("is-active");
    }
    active = index;
    var item = results[active];
    item.classList.add("is-active");
    var link = item.querySelector("[data-testid=result-link]");
    if (link) {
      link.focus({preventScroll: true});
    }
    item.scrollIntoView({block: "nearest"});
  }

  function openActive() {
    var link = active >= 0 && results[active].querySelector("[data-testid=result-link]");
    if (link) {
      window.location.href = link.href;
    }
  }

  function toggleHelp() {
    if (!help) {
      return;
    }
    if (help.open) {
      help.close();
    } else if (typeof help.showModal === "function") {
      help.showModal();
    } else {
      help.setAttribute("open", "");
    }
  }

  // A click on a result makes it the current one, so j/k carry on from there.
  results.forEach(function (item, index) {
    item.addEventListener("focusin", function () {
      if (active !== index) {
        if (active >= 0) {
          results[active].classList.remove("is-active");
        }
        active = index;
        item.classList.add("is-active");
      }
    });
  });

  var helpButton = document.querySelector("[data-testid=keys-help-button]");
  if (helpButton && help) {
    helpButton.hidden = false;
    helpButton.addEventListener("click", toggleHelp);
  }
  var closeHelp = document.querySelector("[data-testid=keys-help-close]");
  if (closeHelp && help) {
    closeHelp.addEventListener("click", function () { help.close(); });
  }
  applyReadMarks();

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    var typing = target && (target.tagName === "INPUT" || target.tagName === "SELECT" ||
      target.tagName === "TEXTAREA" || target.isContentEditable);
    if (typing || event.ctrlKey || event.metaKey || event.altKey) {
      return;
    }
    if (help && help.open && event.key !== "?") {
      return;  // the dialog has the keyboard; Escape closes it
    }
    switch (event.key) {
      case "/":
        var box = document.getElementById("q");
        if (box) {
          event.preventDefault();
          box.focus();
          box.select();
        }
        break;
      case "?":
        event.preventDefault();
        toggleHelp();
        break;
      case "j":
        event.preventDefault();
        moveTo(active + 1);
        break;
      case "k":
        event.preventDefault();
        moveTo(active < 0 ? 0 : active - 1);
        break;
      case "o":
        event.preventDefault();
        openActive();
        break;
      case "Enter":
        // On a focused link Enter already follows it; elsewhere it opens the current result.
        if (target.tagName !== "A" && target.tagName !== "BUTTON" && active >= 0) {
          event.preventDefault();
          openActive();
        }
        break;
      case "x":
        if (active >= 0) {
          event.preventDefault();
          toggleRead(results[active]);
        }
        break;
      default:
        break;
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


  // Copy buttons (the article's citation): shown only when they can work.
  Array.prototype.forEach.call(document.querySelectorAll("[data-copy]"), function (button) {
    var source = document.getElementById(button.getAttribute("data-copy"));
    if (!source || !navigator.clipboard) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(source.textContent.trim()).then(function () {
        button.textContent = "Copied";
        button.setAttribute("data-copied", "true");
      }, function () {
        button.textContent = "Select and copy";
      });
    });
  });
})();
