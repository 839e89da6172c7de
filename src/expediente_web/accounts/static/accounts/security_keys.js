// The account page lists its security keys: show the new one once the browser has added it.
document.addEventListener("otp_webauthn.register_complete", function () {
  window.location.reload();
});
