// The waiting list polls every 10 s. Each answer carries X-Queue-Version (a hash of the rows);
// the next poll sends it back, and the server answers 204 (no body, htmx swaps nothing) while
// the queue is unchanged. See accueil.views.queue_rows.
(function () {
  "use strict";
  document.addEventListener("htmx:configRequest", function (event) {
    var list = event.detail.elt;
    if (list.id === "file-attente" && list.dataset.queueVersion) {
      event.detail.headers["X-Queue-Version"] = list.dataset.queueVersion;
    }
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var list = event.detail.elt;
    var version = event.detail.xhr && event.detail.xhr.getResponseHeader("X-Queue-Version");
    if (list.id === "file-attente" && version) { list.dataset.queueVersion = version; }
  });
})();
