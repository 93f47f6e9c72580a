// Menus are <details class="menu">: they open and close without a script. With one, a
// menu behaves as a menu should: opening one closes the others, and Escape or a click
// elsewhere closes it (Escape gives the focus back to its button).
const menus = document.querySelectorAll("details.menu");

function closeAll(except) {
  menus.forEach((menu) => {
    if (menu !== except) menu.open = false;
  });
}

menus.forEach((menu) => {
  menu.addEventListener("toggle", () => {
    if (menu.open) closeAll(menu);
  });
  menu.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && menu.open) {
      menu.open = false;
      menu.querySelector("summary").focus();
    }
  });
});

document.addEventListener("click", (event) => {
  if (!event.target.closest("details.menu")) closeAll(null);
});
