// Check-in tablet (issue 13). Loaded as a file: the CSP forbids inline script.
// - The tapped motive shows at once that it is working (the answer may take a second on the
//   desk's slow link).
// - The ticket comes back in the POST's own answer: its URL is put in the address bar, so a reload
//   shows the ticket again instead of re-posting the form.
// - A check-in whose ticket page never arrived (server error, lost link) may have been recorded:
//   the next check-in form offers it again with the same submission key, so the same visitor gets
//   the same ticket (accueil.services.check_in is idempotent on client_token), never a second one.
(function () {
  "use strict";
  var STORE = "mds.arrivee.en-attente";
  var MAX_AGE_MS = 15 * 60 * 1000; // past that, the visitor is no longer at the desk

  function pending() {
    try {
      var saved = JSON.parse(window.sessionStorage.getItem(STORE) || "null");
      return saved && Date.now() - saved.at < MAX_AGE_MS ? saved : null;
    } catch (error) {
      return null;
    }
  }

  function forget() {
    try { window.sessionStorage.removeItem(STORE); } catch (error) { /* storage off: nothing kept */ }
  }

  function remember(token, mds) {
    try {
      window.sessionStorage.setItem(STORE, JSON.stringify({ token: token, mds: mds, at: Date.now() }));
    } catch (error) { /* storage off: the retry offer is lost, the server stays idempotent */ }
  }

  var ticket = document.getElementById("ticket-card");
  if (ticket) {
    var done = pending();
    if (done && done.token === ticket.dataset.clientToken) { forget(); }
    if (ticket.dataset.url && window.location.pathname !== ticket.dataset.url) {
      window.history.replaceState(null, "", ticket.dataset.url);
    }
    return;
  }

  var form = document.getElementById("form-arrivee");
  if (!form) { return; }
  var token = form.elements.namedItem("client_token");
  var mds = form.elements.namedItem("mds").value;
  var notice = document.getElementById("arrivee-en-attente");
  // A form sent back with an error: the server answered and recorded nothing.
  if (form.dataset.rejected) { forget(); }
  var last = pending();
  if (last && last.mds === mds && last.token !== token.value) {
    token.value = last.token;
    notice.hidden = false;
    notice.querySelector("[data-spare-token]").addEventListener("click", function (event) {
      forget();
      token.value = event.currentTarget.dataset.spareToken;
      notice.hidden = true;
      form.querySelector("button[name=motive]").focus();
    });
  }

  form.addEventListener("submit", function (event) {
    var button = event.submitter;
    if (event.defaultPrevented || !button || button.name !== "motive" || button.getAttribute("aria-busy") === "true") { return; }
    remember(token.value, mds);
    // Not `disabled`: a disabled submitter would drop the motive from the posted form.
    button.setAttribute("aria-busy", "true");
    var label = button.querySelector(".motive-label");
    if (label) {
      var spinner = document.createElement("span");
      spinner.className = "spinner-border";
      spinner.setAttribute("aria-hidden", "true");
      label.textContent = form.dataset.busyLabel;
      button.insertBefore(spinner, label);
    }
  });
})();
