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

  // Inline actions (crm/htmx.py): a refusal comes back as plain text, shown in the row it came
  // from; anything else (a 403 page, a network failure) gets the row's generic message.
  function showRowError(event) {
    var elt = event.detail && event.detail.elt;
    var row = elt && elt.closest ? elt.closest("[data-worklist-row]") : null;
    var box = row ? row.querySelector("[data-row-error]") : null;
    if (!box) { return; }
    var xhr = event.detail.xhr;
    var type = xhr ? (xhr.getResponseHeader("Content-Type") || "") : "";
    var text = type.indexOf("text/plain") === 0 ? xhr.responseText : "";
    box.textContent = text || box.getAttribute("data-fallback");
  }
  document.addEventListener("htmx:responseError", showRowError);
  document.addEventListener("htmx:sendError", showRowError);
})();
