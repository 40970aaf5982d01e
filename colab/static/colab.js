// Optional help; every page works without it.
(function () {
  // Sign-up: fill the time-zone field from the browser when the reader has not chosen one.
  var field = document.querySelector('form select[name="timezone"][data-guess]');
  if (field && window.Intl) {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone && field.value === "UTC" && field.querySelector('option[value="' + zone + '"]')) field.value = zone;
  }

  // Leave quickly: replace this page with a neutral site so Back does not return to it.
  // The link works without JavaScript; with it, Escape pressed twice within a second does the same.
  var exit = document.querySelector("[data-quick-exit]");
  if (!exit) return;
  function leave(event) {
    if (event) event.preventDefault();
    document.title = "";
    document.body.textContent = "";
    window.location.replace(exit.href);
  }
  exit.addEventListener("click", leave);
  var lastEscape = 0;
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var now = Date.now();
    if (now - lastEscape < 1000) leave(event);
    lastEscape = now;
  });
})();

// Reading offline (colab/offline/sw.js): signed-in readers get the service worker at once, except in discreet mode,
// where nothing is stored on the device until the reader saves something. The rest (saving, sending what was done
// offline, the list of saved pages) is in offline.js, fetched only where it is needed: a page the worker controls
// or one with something to save or list, so a first visit stays light.
(function () {
  if (!("serviceWorker" in navigator) || !window.caches || !window.fetch) return;
  var root = document.documentElement, script = root.getAttribute("data-offline-script");
  if (root.getAttribute("data-offline") === "auto") navigator.serviceWorker.register("/sw.js");
  if (script && (navigator.serviceWorker.controller || document.querySelector("[data-save-offline]"))) {
    document.head.appendChild(document.createElement("script")).src = script;
  }
})();

// A form sent back with errors: its summary (macros/forms.html) takes the focus, so it is read first and its links
// lead to each field.
(function () {
  var summary = document.querySelector(".error-summary");
  if (summary) summary.focus();
})();
