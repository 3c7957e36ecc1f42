// The header works without JavaScript (on a phone its links then stack). With it, a phone shows
// one Menu button instead, an open drop-down closes on Escape or a click elsewhere, and a table
// that scrolls sideways can be scrolled with the keyboard.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  document.addEventListener("DOMContentLoaded", function () {
    var toggle = document.querySelector(".menu-toggle");
    var menu = document.getElementById("site-menu");
    if (toggle && menu) {
      toggle.hidden = false;
      toggle.addEventListener("click", function () {
        var open = toggle.getAttribute("aria-expanded") !== "true";
        toggle.setAttribute("aria-expanded", String(open));
        menu.classList.toggle("open", open);
      });
    }
    // A box that scrolls sideways (a wide table on a phone) must be reachable by keyboard.
    function focusableScrollers() {
      document.querySelectorAll("main table, main .scroll-x").forEach(function (box) {
        if (box.scrollWidth > box.clientWidth + 1) {
          box.setAttribute("tabindex", "0");
        } else if (box.getAttribute("tabindex") === "0") {
          box.removeAttribute("tabindex");
        }
      });
    }
    focusableScrollers();
    var resizing = null;
    window.addEventListener("resize", function () {
      clearTimeout(resizing);
      resizing = setTimeout(focusableScrollers, 100);
    });
    function closeDropdowns(except) {
      document.querySelectorAll("details.dropdown[open]").forEach(function (details) {
        if (details !== except) { details.open = false; }
      });
    }
    document.addEventListener("click", function (event) {
      closeDropdowns(event.target.closest ? event.target.closest("details.dropdown") : null);
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        var open = document.querySelector("details.dropdown[open]");
        closeDropdowns(null);
        if (open) { open.querySelector("summary").focus(); }
      }
    });
  });
})();
