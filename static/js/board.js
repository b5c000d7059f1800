// Waiting-room screen: refresh every 5 s, rotate FR/EN/AR, say when the network is lost (an
// error answer, no network, or no answer within 4 s); the next good answer hides it again.
(function () {
  "use strict";
  var body = document.body;
  var url = body.dataset.contentUrl;
  var languages = (body.dataset.rotate || "").split(",").filter(Boolean);
  var lang = body.dataset.lang || "fr";
  var tick = 0;
  var banner = document.getElementById("reconnexion");
  var target = document.getElementById("tableau");

  function apply(html) {
    target.innerHTML = html;
    var content = target.querySelector(".board-content");
    if (content) {
      document.documentElement.lang = content.dataset.lang;
      document.documentElement.dir = content.dataset.dir;
    }
    banner.hidden = true;
  }

  function refresh() {
    tick += 1;
    if (languages.length > 1 && tick % 3 === 0) {
      lang = languages[(languages.indexOf(lang) + 1) % languages.length];
    }
    var controller = new AbortController();
    var timer = window.setTimeout(function () { controller.abort(); }, 4000);
    fetch(url + "?langue=" + encodeURIComponent(lang), { credentials: "same-origin", cache: "no-store", signal: controller.signal })
      .then(function (response) {
        window.clearTimeout(timer);
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.text();
      })
      .then(apply)
      .catch(function () {
        window.clearTimeout(timer);
        var content = target.querySelector(".board-content");
        banner.textContent = content ? content.dataset.reconnecting : "…";
        banner.hidden = false;
      });
  }

  window.setInterval(refresh, 5000);
})();
