// The team page: the one-time invitation link is selected when it takes focus, to be copied.
document.querySelectorAll("input.invitation-link").forEach((input) => {
  input.addEventListener("focus", () => input.select());
});
