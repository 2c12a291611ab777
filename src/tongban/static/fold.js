// Sections marked data-fold-narrow are open, as a wide screen shows them; on a narrow one
// (under style.css's 48rem breakpoint) they start folded under their titles, so a phone's
// first screen holds what matters most. A link to a part of the page opens its section.
(function () {
  "use strict";
  if (!window.matchMedia("(min-width: 48rem)").matches) {
    document.querySelectorAll("details[data-fold-narrow]").forEach(function (section) {
      section.open = false;
    });
  }
  function unfold(id) {
    var target = id && document.getElementById(id);
    if (!target) return;
    var folded = target.closest("details") || target.querySelector("details[data-fold-narrow]");
    if (folded) folded.open = true;
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[href^='#']");
    if (link) unfold(link.getAttribute("href").slice(1));
  });
  if (location.hash) {
    unfold(location.hash.slice(1));
    var target = document.getElementById(location.hash.slice(1));
    if (target) target.scrollIntoView();
  }
})();
