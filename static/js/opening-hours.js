// The venue form's weekly table: typing a time on a weekday unticks its "Closed" box;
// "Same hours every day" copies the first day to the whole week, and each day's
// "Same as the day before" copies the row above it.
const rows = [...document.querySelectorAll("[data-weekday-row]")];

const copyRow = (from, to) => {
  const source = from.querySelectorAll("input");
  to.querySelectorAll("input").forEach((input, index) => {
    if (input.type === "checkbox") input.checked = source[index].checked;
    else input.value = source[index].value;
  });
};

for (const row of rows) {
  const closed = row.querySelector('input[type="checkbox"]');
  for (const input of row.querySelectorAll('input[type="time"]')) {
    input.addEventListener("input", () => {
      if (input.value && closed) closed.checked = false;
    });
  }
  const copy = row.querySelector("[data-copy-day-before]");
  const index = rows.indexOf(row);
  if (copy && index > 0) {
    copy.hidden = false;
    copy.addEventListener("click", () => copyRow(rows[index - 1], row));
  }
}

for (const button of document.querySelectorAll("[data-same-every-day]")) {
  button.hidden = false;
  button.addEventListener("click", () => rows.slice(1).forEach((row) => copyRow(rows[0], row)));
}
