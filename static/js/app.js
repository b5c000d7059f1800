// MDS Connectée — small progressive enhancements. Loaded as a file: the CSP forbids inline script.
// The header's menu button on narrow screens: what Bootstrap's collapse did, without its 23 KB of
// JavaScript (the tablets are on slow links; issue 13).
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-menu-toggle]");
    if (!button) { return; }
    var menu = document.getElementById(button.dataset.menuToggle);
    if (!menu) { return; }
    var open = menu.classList.toggle("show");
    button.setAttribute("aria-expanded", open ? "true" : "false");
  });
})();
(function () {
  "use strict";
  // Submitting a form twice (double tap on a tablet) is idempotent server-side; this only avoids
  // the second request when the first is on its way.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset.submitted === "1") { event.preventDefault(); return; }
    form.dataset.submitted = "1";
    window.setTimeout(function () { form.dataset.submitted = ""; }, 4000);
  });
})();
// Shared tablet: after the MDS's idle time, reload; the server then logs the agent out so no
// visitor's ticket stays on screen. Any touch or key resets the timer.
(function () {
  "use strict";
  var seconds = parseInt(document.body.dataset.idleSeconds || "0", 10);
  if (!seconds) { return; }
  var timer;
  function arm() {
    window.clearTimeout(timer);
    timer = window.setTimeout(function () { window.location.reload(); }, (seconds + 2) * 1000);
  }
  ["pointerdown", "keydown", "touchstart"].forEach(function (name) {
    document.addEventListener(name, arm, { passive: true });
  });
  arm();
})();

// The waiting list refreshes every 10 s; not while the agent is on one of its buttons, so that
// keyboard and screen-reader focus is not lost (WCAG 2.4.3).
document.addEventListener("htmx:beforeRequest", function (event) {
  "use strict";
  var list = event.target;
  if (list.id === "file-attente" && list.contains(document.activeElement)) {
    event.preventDefault();
  }
});
