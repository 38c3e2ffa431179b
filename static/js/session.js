// The end of an idle session (accounts/session_expiry.py): a warning five minutes before,
// "Ingelogd blijven" to renew, and a form sent after the end filled in again after sign-in.
(function () {
  "use strict";
  var WARN_SECONDS = 300;
  var body = document.body;
  var warning = document.querySelector("[data-testid=session-warning]");
  var message = warning && warning.querySelector("[data-session-message]");
  var timer = null;

  function clock(secondsFromNow) {
    var at = new Date(Date.now() + secondsFromNow * 1000);
    return at.toLocaleTimeString("nl-NL", {
      hour: "2-digit", minute: "2-digit", timeZone: "Europe/Amsterdam",
    });
  }

  function show(kind, secondsLeft) {
    if (!warning) return;
    var text = message.getAttribute(kind === "ended" ? "data-text-ended" : "data-text-warning");
    message.textContent = text.replace("{time}", clock(secondsLeft));
    warning.querySelector("[data-session-extend]").hidden = kind === "ended";
    warning.hidden = false;
  }

  function schedule(secondsLeft) {
    if (timer) window.clearTimeout(timer);
    var wait = secondsLeft > WARN_SECONDS ? secondsLeft - WARN_SECONDS : secondsLeft;
    timer = window.setTimeout(check, Math.max(wait, 1) * 1000);
  }

  function check() {
    fetch(body.dataset.sessionStatusUrl, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        var left = data.seconds_left;
        if (left <= 0) { show("ended", 0); return; }
        if (left <= WARN_SECONDS) show("warning", left);
        else if (warning) warning.hidden = true;  // another tab kept the session alive
        schedule(left);
      })
      .catch(function () { schedule(60); });
  }

  function extend() {
    var token = (document.querySelector("[name=csrfmiddlewaretoken]") || {}).value ||
      JSON.parse(body.getAttribute("hx-headers") || "{}")["X-CSRFToken"];
    fetch(body.dataset.sessionExtendUrl, {
      method: "POST", credentials: "same-origin", headers: { "X-CSRFToken": token },
    })
      .then(function (r) { if (!r.ok) throw new Error(); return r.json(); })
      .then(function (data) { warning.hidden = true; schedule(data.seconds_left); })
      .catch(function () { show("ended", 0); });
  }

  function restore() {
    var blob = document.getElementById("rop-restored-form");
    if (!blob) return;
    var fields = JSON.parse(blob.textContent);
    var form = document.querySelector("main form[method=post]:not(.rop-inline-form)");
    if (!form) return;
    fields.forEach(function (pair) {
      var name = pair[0], values = pair[1];
      Array.prototype.forEach.call(form.elements, function (el) {
        if (el.name !== name || el.type === "hidden" || el.type === "file") return;
        if (el.type === "checkbox" || el.type === "radio") el.checked = values.indexOf(el.value) !== -1;
        else if (el.tagName === "SELECT") {
          Array.prototype.forEach.call(el.options, function (o) { o.selected = values.indexOf(o.value) !== -1; });
        } else el.value = values[0];
        el.dispatchEvent(new Event("input", { bubbles: true }));
      });
    });
  }

  if (warning) warning.querySelector("[data-session-extend]").addEventListener("click", extend);
  if (body.dataset.sessionSeconds) schedule(parseInt(body.dataset.sessionSeconds, 10));
  restore();
})();
