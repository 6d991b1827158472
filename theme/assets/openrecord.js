/* openrecord: give the feed links back their rel="alternate" (see the note in main.html: it is
   taken away for the moment Material's script would fetch a sitemap.xml beside each). This
   listener is added after Material's, so it runs right after it. */
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  document.querySelectorAll("link[data-or-rel]").forEach(function (feed) {
    feed.setAttribute("rel", feed.getAttribute("data-or-rel"));
    feed.removeAttribute("data-or-rel");
  });
}, { once: true });

/* openrecord: keyboard access to Material's navigation drawer on narrow screens.
   Material opens the drawer with a <label> that Tab never reaches, while the closed drawer's
   links stay in the tab order though they are off screen. This makes the label a real button
   (Enter or Space opens the menu and moves focus into it, Escape closes it and returns focus),
   and marks the page so the stylesheet takes the closed drawer out of the tab order. */
(function () {
  "use strict";
  var toggle = document.getElementById("__drawer");
  var button = document.querySelector('.md-header label.md-header__button[for="__drawer"]');
  var drawer = document.querySelector(".md-sidebar--primary");
  if (!toggle || !button || !drawer) {
    return;
  }
  drawer.id = drawer.id || "or-navigation";
  button.setAttribute("role", "button");
  button.setAttribute("tabindex", "0");
  button.setAttribute("aria-label", "Menu");
  button.setAttribute("aria-controls", drawer.id);
  function sync() {
    button.setAttribute("aria-expanded", toggle.checked ? "true" : "false");
  }
  function setOpen(open) {
    if (toggle.checked !== open) {
      toggle.click();
    }
    sync();
  }
  toggle.addEventListener("change", sync);
  button.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" && event.key !== " ") {
      return;
    }
    event.preventDefault();
    setOpen(!toggle.checked);
    if (toggle.checked) {
      var first = drawer.querySelector("a[href]");
      if (first) {
        first.focus();
      }
    }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && toggle.checked) {
      setOpen(false);
      button.focus();
    }
  });
  sync();
  document.documentElement.classList.add("or-drawer-ready");
})();
