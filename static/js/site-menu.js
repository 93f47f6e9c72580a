// The site's navigation folds behind a "Menu" button on a phone (app.css shows the button
// at small widths only). Without this script the navigation is simply always shown.
const toggle = document.querySelector(".site-menu__toggle");
const menu = document.getElementById("site-menu");

if (toggle && menu) {
  const show = (open) => {
    toggle.setAttribute("aria-expanded", String(open));
    menu.classList.toggle("site-menu--folded", !open);
  };
  toggle.hidden = false;
  show(false);
  toggle.addEventListener("click", () => show(toggle.getAttribute("aria-expanded") !== "true"));
}
