// Site-wide behaviour. No inline scripts anywhere (a strict Content Security Policy is planned).
(function () {
  "use strict";
  // Submit a form when a select marked .js-autosubmit changes (the language switcher).
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target && target.classList && target.classList.contains("js-autosubmit")) {
      // requestSubmit fires the submit event, so a form driven by htmx stays in its tab.
      if (target.form.requestSubmit) { target.form.requestSubmit(); } else { target.form.submit(); }
    }
  });
})();
