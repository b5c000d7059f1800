// The waiting list polls every 10 s. Each answer carries X-Queue-Version (a hash of the rows);
// the next poll sends it back, and the server answers 204 (no body, htmx swaps nothing) while
// the queue is unchanged. See accueil.views.queue_rows.
// When a poll fails (server error, network down, no answer within 8 s) the list says so in a
// red bar, as the waiting-room screen does, and keeps polling: the first poll that succeeds
// hides the bar and brings the rows up to date by itself.
(function () {
  "use strict";
  var banner = document.getElementById("file-reconnexion");

  function isList(element) { return element && element.id === "file-attente"; }

  function showLost(lost) {
    if (!banner) { return; }
    if (lost && banner.hidden) {
      banner.textContent = banner.dataset.message;
      banner.hidden = false;
    } else if (!lost && !banner.hidden) {
      banner.hidden = true;
      banner.textContent = "";
    }
  }

  document.addEventListener("htmx:configRequest", function (event) {
    var list = event.detail.elt;
    if (!isList(list)) { return; }
    if (list.dataset.queueVersion) {
      event.detail.headers["X-Queue-Version"] = list.dataset.queueVersion;
    }
    event.detail.timeout = 8000;
  });
  // The counts and filter above the list are swapped with the rows: do not poll while the
  // agent is on one of their links (focus would be lost, WCAG 2.4.3).
  document.addEventListener("htmx:beforeRequest", function (event) {
    var summary = document.getElementById("file-filtre");
    if (isList(event.target) && summary && summary.contains(document.activeElement)) {
      event.preventDefault();
    }
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var list = event.detail.elt;
    if (!isList(list)) { return; }
    var xhr = event.detail.xhr;
    var ok = Boolean(event.detail.successful) && xhr && xhr.status >= 200 && xhr.status < 300;
    showLost(!ok);
    var version = ok && xhr.getResponseHeader("X-Queue-Version");
    if (version) { list.dataset.queueVersion = version; }
  });
})();
