// Optional help; every page works without it. Fills the time-zone field from the browser
// on the sign-up form when the reader has not chosen one.
(function () {
  var field = document.querySelector('form select[name="timezone"][data-guess]');
  if (!field || !window.Intl) return;
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (zone && field.value === "UTC" && field.querySelector('option[value="' + zone + '"]')) field.value = zone;
})();
