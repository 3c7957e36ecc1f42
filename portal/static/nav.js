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
      document.querySelectorAll("main *").forEach(function (box) {
        var overflow = window.getComputedStyle(box).overflowX;
        var scrolls = overflow === "auto" || overflow === "scroll";
        if (scrolls && box.scrollWidth > box.clientWidth + 1 && !box.hasAttribute("tabindex")) {
          box.setAttribute("tabindex", "0");
          box.setAttribute("data-scroll-focus", "");
        } else if (box.hasAttribute("data-scroll-focus") && box.scrollWidth <= box.clientWidth + 1) {
          box.removeAttribute("tabindex");
          box.removeAttribute("data-scroll-focus");
        }
      });
    }
    focusableScrollers();
    window.addEventListener("resize", focusableScrollers);
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
