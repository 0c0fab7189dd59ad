// Site-wide behaviour. No inline scripts anywhere (a strict Content Security Policy is planned).
(function () {
  "use strict";
  // Submit a form when a select marked .js-autosubmit changes (the language switcher).
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target && target.classList && target.classList.contains("js-autosubmit")) {
      target.form.submit();
    }
  });
})();
