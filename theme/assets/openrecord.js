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
