// The stop form fills the end from the start with the kind's usual length (a meal 90 minutes)
// while the planner has not typed an end; the server does the same for an end left empty.
for (const form of document.querySelectorAll(".stop-form")) {
  const kind = form.querySelector("select[data-usual-minutes]");
  const starts = form.querySelector('input[name="starts"]');
  const ends = form.querySelector('input[name="ends"]');
  if (!kind || !starts || !ends) continue;
  const usual = JSON.parse(kind.dataset.usualMinutes);
  let filled = !ends.value;

  const fill = () => {
    if (!filled || !starts.value) return;
    const [hours, minutes] = starts.value.split(":").map(Number);
    const end = hours * 60 + minutes + (usual[kind.value] || 60);
    // Past midnight the end day is needed too: left empty, the server works it out.
    const pad = (number) => String(number).padStart(2, "0");
    ends.value = end < 24 * 60 ? `${pad(Math.floor(end / 60))}:${pad(end % 60)}` : "";
  };
  starts.addEventListener("input", fill);
  kind.addEventListener("change", fill);
  ends.addEventListener("input", () => {
    filled = !ends.value;
  });
  fill();
}
