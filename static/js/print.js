// Buttons marked data-print open the browser's print dialogue (the CSP allows no inline script).
document.querySelectorAll("[data-print]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});
