// MDS Connectée — small progressive enhancements. Loaded as a file: the CSP forbids inline script.
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
