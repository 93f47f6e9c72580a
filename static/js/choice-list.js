// Keeps "Chosen: …" above a long list of checkboxes current as boxes are ticked.
document.querySelectorAll("[data-chosen]").forEach((summary) => {
  const fieldset = summary.closest("fieldset");
  const list = summary.querySelector("[data-chosen-list]");
  fieldset.addEventListener("change", () => {
    const ticked = [...fieldset.querySelectorAll("input[type=checkbox]:checked")].map(
      (box) => fieldset.querySelector(`label[for="${box.id}"]`).textContent,
    );
    list.textContent = ticked.length ? ticked.join(summary.dataset.separator) : summary.dataset.none;
  });
});
