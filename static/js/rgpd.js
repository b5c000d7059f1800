// MDS Connectée — vault pages: print buttons (the CSP forbids inline handlers).
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-print]");
    if (target) { event.preventDefault(); window.print(); }
  });
})();
