// Loans pages: ask before irreversible workflow actions and repayment reversals.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (form.classList && form.classList.contains("loans-confirm")) {
    var message = form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  }
});
