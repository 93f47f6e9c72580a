// Quick ticks on the stop form: all delegation, all hosts, everyone, nobody.
document.querySelectorAll("[data-attendee-presets]").forEach((presets) => {
  const items = presets.closest("fieldset").querySelectorAll("[data-side]");
  presets.hidden = false;
  presets.addEventListener("click", (event) => {
    const choice = event.target.dataset.select;
    if (!choice) return;
    items.forEach((item) => {
      const box = item.querySelector("input[type=checkbox]");
      if (choice === "all" || choice === "none") box.checked = choice === "all";
      else if (item.dataset.side === choice) box.checked = true;
    });
  });
});
