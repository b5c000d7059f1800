// MDS Connectée — signature drawn on the tablet (consent form). Pointer events: a finger, a pen
// or a mouse. The drawing goes into the hidden "signature" field as a PNG data URL; the server
// checks it. No inline script or style: the CSP forbids them.
(function () {
  "use strict";
  var block = document.querySelector("[data-signature-block]");
  if (!block) { return; }
  var pad = block.querySelector("[data-signature-pad]");
  var canvas = pad.querySelector("canvas");
  var input = block.querySelector("input[name='signature']");
  var status = block.querySelector("[data-signature-status]");
  var radios = document.querySelectorAll("input[name='method']");
  var context = canvas.getContext("2d");
  var drawing = false;
  var last = null;

  // JavaScript runs: the "needs JavaScript" note is not true here.
  block.querySelector("[data-signature-nojs]").hidden = true;

  function setUp() {
    var ratio = Math.min(window.devicePixelRatio || 1, 2);
    var rect = canvas.getBoundingClientRect();
    var width = Math.round(rect.width * ratio);
    var height = Math.round(rect.height * ratio);
    if (!width || !height || (canvas.width === width && canvas.height === height)) { return; }
    canvas.width = width;
    canvas.height = height;
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    context.lineWidth = 3;
    context.lineCap = "round";
    context.lineJoin = "round";
    context.strokeStyle = "#000";
    context.fillStyle = "#000";
    if (input.value) {  // redraw a signature kept by the form (page shown again with an error)
      var image = new Image();
      image.onload = function () { context.drawImage(image, 0, 0, rect.width, rect.height); };
      image.src = input.value;
    }
  }

  function sync() {
    var chosen = document.querySelector("input[name='method']:checked");
    pad.hidden = !(chosen && chosen.value === "tablet_signature");
    if (!pad.hidden) { setUp(); }
  }

  function at(event) {
    var rect = canvas.getBoundingClientRect();
    return { x: event.clientX - rect.left, y: event.clientY - rect.top };
  }

  function lineTo(point) {
    context.beginPath();
    context.moveTo(last.x, last.y);
    context.lineTo(point.x, point.y);
    context.stroke();
    last = point;
  }

  canvas.addEventListener("pointerdown", function (event) {
    event.preventDefault();
    try { canvas.setPointerCapture(event.pointerId); } catch (ignored) { /* synthetic pointer */ }
    drawing = true;
    last = at(event);
    context.beginPath();
    context.arc(last.x, last.y, context.lineWidth / 2, 0, 2 * Math.PI);
    context.fill();
  });
  canvas.addEventListener("pointermove", function (event) {
    if (!drawing) { return; }
    event.preventDefault();
    var events = event.getCoalescedEvents ? event.getCoalescedEvents() : [event];
    for (var i = 0; i < events.length; i += 1) { lineTo(at(events[i])); }
  });
  function finish() {
    if (!drawing) { return; }
    drawing = false;
    input.value = canvas.toDataURL("image/png");
    status.textContent = block.getAttribute("data-msg-saved");
  }
  canvas.addEventListener("pointerup", finish);
  canvas.addEventListener("pointercancel", finish);

  block.querySelector("[data-signature-clear]").addEventListener("click", function () {
    context.clearRect(0, 0, canvas.width, canvas.height);
    input.value = "";
    status.textContent = block.getAttribute("data-msg-cleared");
  });

  for (var i = 0; i < radios.length; i += 1) { radios[i].addEventListener("change", sync); }
  window.addEventListener("resize", function () { if (!pad.hidden && !input.value) { setUp(); } });
  sync();
})();
