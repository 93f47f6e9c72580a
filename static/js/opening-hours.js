// The venue form's weekly table: typing a time on a weekday unticks its "Closed" box.
for (const row of document.querySelectorAll("[data-weekday-row]")) {
  const closed = row.querySelector('input[type="checkbox"]');
  for (const input of row.querySelectorAll('input[type="time"]')) {
    input.addEventListener("input", () => {
      if (input.value && closed) closed.checked = false;
    });
  }
}
