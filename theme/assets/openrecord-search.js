/* openrecord: Pagefind's search (its Component UI), set up for this site. Runs before the
   Component UI's own script, so its settings are in place when the components start.
   - The header's dialog is drawn here, from the strings its <div data-or-...> holds in the
     page's language (partials/search.html): it works only with JavaScript, and drawn on
     every page it would weigh a kilobyte each.
   - Results link below the site's own path (the site may be published under /name/).
   - The search page's address and its search stay in step: search/?q=pilot&type=decision
     opens with that query and those filters, and each search or filter changes the address
     (without a new history entry), so a list of results can be linked.
   - The header dialog's "Open these results on the search page" link carries its query.
   - Each filter's drop-down is named by its label for screen readers: Pagefind draws it as a
     combobox, which takes no name from its text. */
(function () {
  "use strict";
  var header = document.querySelector(".or-search[data-or-root]");
  if (!header) {
    return;
  }
  var root = new URL(header.getAttribute("data-or-root"), window.location.href);

  function element(name, attributes, children) {
    var made = document.createElement(name);
    Object.keys(attributes || {}).forEach(function (key) {
      made.setAttribute(key, attributes[key]);
    });
    (children || []).forEach(function (child) {
      made.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return made;
  }

  function said(name) {
    return header.getAttribute("data-or-" + name) || "";
  }

  // The dialog as the Component UI documents it: the input, the filters, the summary and
  // the results, the link to the search page, and the keys that move through the results.
  var filters = ["type", "status", "topic"].map(function (name) {
    return element("pagefind-filter-dropdown", { filter: name, label: said(name) });
  });
  var page = new URL("search/", root).pathname;
  var more = element("a", { class: "or-search__page", href: page }, [said("page")]);
  header.appendChild(
    element("pagefind-modal", {}, [
      element("pagefind-modal-header", {}, [
        element("pagefind-input", { placeholder: said("input") }),
      ]),
      element("pagefind-modal-body", {}, [
        element(
          "div",
          { class: "or-search__filters", role: "group", "aria-label": said("filters") },
          filters
        ),
        element("pagefind-summary"),
        element("pagefind-results"),
        element("p", { class: "or-search__more" }, [more]),
      ]),
      element("pagefind-modal-footer", {}, [element("pagefind-keyboard-hints")]),
    ])
  );
  var FILTERS = ["type", "status", "topic", "language"];
  Array.prototype.forEach.call(document.querySelectorAll("pagefind-config"), function (config) {
    config.setAttribute("base-url", root.pathname);
  });

  function address(term, filters) {
    var params = new URLSearchParams();
    if (term) {
      params.set("q", term);
    }
    FILTERS.forEach(function (name) {
      ((filters && filters[name]) || []).forEach(function (value) {
        params.append(name, value);
      });
    });
    var query = params.toString();
    return query ? "?" + query : "";
  }

  function nameFilters() {
    var dropdowns = document.querySelectorAll("pagefind-filter-dropdown[label]");
    Array.prototype.forEach.call(dropdowns, function (dropdown) {
      var trigger = dropdown.querySelector(".pf-dropdown-trigger");
      if (trigger && !trigger.hasAttribute("aria-label")) {
        trigger.setAttribute("aria-label", dropdown.getAttribute("label"));
      }
    });
  }

  function start() {
    nameFilters();
    new MutationObserver(nameFilters).observe(document.body, { childList: true, subtree: true });
    var components = window.PagefindComponents;
    if (!components) {
      return;
    }
    var manager = components.getInstanceManager();
    var link = header.querySelector("a.or-search__page");
    if (link) {
      var target = link.getAttribute("href");
      manager.getInstance("default").on("search", function (term, filters) {
        link.setAttribute("href", target + address(term, filters));
      });
    }
    if (!document.querySelector(".or-search-page")) {
      return;
    }
    var page = manager.getInstance("page");
    var params = new URLSearchParams(window.location.search);
    var term = params.get("q") || "";
    var filters = {};
    FILTERS.forEach(function (name) {
      var values = params.getAll(name).filter(Boolean);
      if (values.length) {
        filters[name] = values;
      }
    });
    page.on("search", function (searched, chosen) {
      var path = window.location.pathname + address(searched, chosen);
      window.history.replaceState(window.history.state, "", path);
    });
    if (term || Object.keys(filters).length) {
      page.triggerSearchWithFilters(term, filters);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
