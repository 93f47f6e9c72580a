// Editing on a visit's timeline (planners): drag a stop to move it, drag its lower edge to
// change its length, click an empty time to add a stop there. On a stop reached with Tab the
// arrow keys move it by 15 minutes (with Shift they change its length), and each stop's row
// has buttons for the same. Every change is a JSON POST with the CSRF token in a header
// (planner/programmes/views.py, move_stop); then the timeline is fetched again, so the
// checker's findings and whatever someone else changed are on the page without a reload.
// Plain Pointer Events: the moves are vertical, on a grid the page states (README).
(() => {
  const page = document.querySelector("[data-timeline][data-move-url]");
  if (!page) return;
  const body = page.querySelector("[data-timeline-body]");
  const status = page.querySelector("[data-timeline-status]");
  const notice = page.querySelector("[data-timeline-alert]");
  const token = document.querySelector('meta[name="csrf-token"]').content;
  const SNAP = 5; // minutes: where a drag lands
  const STEP = 15; // minutes: a key press or a button
  const DAY = 24 * 60;
  const THRESHOLD = 4; // pixels a pointer moves before a press becomes a drag
  const persianDigits = document.documentElement.lang === "fa";
  let busy = false;

  const showButtons = () => {
    body.querySelectorAll("[data-move-stop]").forEach((group) => {
      group.hidden = false;
    });
  };
  showButtons();

  const digits = (text) =>
    persianDigits ? text.replace(/\d/g, (d) => "۰۱۲۳۴۵۶۷۸۹"[d]) : text;
  const clock = (minute) => {
    const m = ((minute % DAY) + DAY) % DAY;
    return `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
  };
  const clamp = (value, low, high) => Math.min(high, Math.max(low, value));
  const snap = (minute, step) => Math.round(minute / step) * step;
  const stopBlock = (id) => body.querySelector(`[data-stop="${id}"]`);
  const start = (block) => Number(block.dataset.startMinute);
  const length = (block) => Number(block.dataset.minutes);

  // SVG units of the picture under a pointer, whatever size the page draws it at.
  const svgY = (svg, clientY) =>
    new DOMPoint(0, clientY).matrixTransform(svg.getScreenCTM().inverse()).y;

  const say = (text, refused) => {
    status.textContent = "";
    status.textContent = text; // set anew, so that the same words are read out again
    notice.textContent = refused ? text : "";
    notice.hidden = !refused;
  };

  async function refresh(focus) {
    const answer = await fetch(page.dataset.bodyUrl, {
      headers: { Accept: "text/html" },
      credentials: "same-origin",
    });
    if (!answer.ok) return;
    body.innerHTML = await answer.text();
    showButtons();
    if (focus) body.querySelector(focus)?.focus();
  }

  // Send a stop's new start (minutes after local midnight) and length, then show the
  // timeline as it now is; `focus` is what to give the focus back to afterwards.
  async function move(block, startMinute, minutes, focus) {
    if (busy) return;
    busy = true;
    const svg = block.closest("svg");
    const url = page.dataset.moveUrl.replace(/\/0$/, `/${block.dataset.stop}`);
    let answer = null;
    let data = null;
    try {
      answer = await fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          Accept: "application/json",
          "X-CSRFToken": token,
        },
        body: JSON.stringify({
          version: Number(block.dataset.version),
          day: svg.dataset.day,
          starts: clock(startMinute),
          minutes,
          seen_starts_at: block.dataset.startsAt,
        }),
      });
      data = await answer.json();
    } catch (error) {
      data = null;
    }
    try {
      await refresh(focus);
    } finally {
      busy = false;
    }
    if (answer && answer.ok && data) say(data.message, false);
    else say((data && data.error) || page.dataset.failed, true);
  }

  // Dragging: the block follows the pointer on the grid, its time shown as it goes.
  let drag = null;
  let justDragged = false;

  const showTimes = (block, startMinute, minutes) => {
    const times = block.querySelector(".tl-block__time bdi");
    if (times) times.textContent = digits(`${clock(startMinute)}–${clock(startMinute + minutes)}`);
  };

  body.addEventListener("pointerdown", (event) => {
    if (busy || event.button !== 0) return;
    const block = event.target.closest("[data-stop]");
    if (!block) return;
    const svg = block.closest("svg");
    const rect = block.querySelector(".timeline__rect");
    drag = {
      block,
      svg,
      edge: Boolean(event.target.closest("[data-edge]")),
      pointer: event.pointerId,
      fromY: event.clientY,
      fromSvgY: svgY(svg, event.clientY),
      perMinute: Number(svg.dataset.perMinute),
      height: Number(rect.getAttribute("height")),
      edgeY: Number(block.querySelector("[data-edge]")?.getAttribute("y")),
      startMinute: start(block),
      minutes: length(block),
      dragging: false,
    };
  });

  // Moves and the release are followed on the whole document: until the pointer is
  // captured (past the threshold) it may leave the stop, and the timeline, under it.
  document.addEventListener("pointermove", (event) => {
    if (!drag || event.pointerId !== drag.pointer) return;
    if (!drag.dragging) {
      if (Math.abs(event.clientY - drag.fromY) < THRESHOLD) return;
      drag.dragging = true;
      drag.svg.setPointerCapture(event.pointerId);
      drag.block.classList.add("timeline__block--moving");
    }
    event.preventDefault();
    const shift = (svgY(drag.svg, event.clientY) - drag.fromSvgY) / drag.perMinute;
    const { block } = drag;
    if (drag.edge) {
      const end = snap(start(block) + length(block) + shift, SNAP);
      drag.minutes = clamp(end - start(block), SNAP, DAY);
      const grown = (drag.minutes - length(block)) * drag.perMinute;
      block.querySelectorAll(".timeline__rect, .timeline__hatch").forEach((shape) => {
        shape.setAttribute("height", Math.max(drag.height + grown, SNAP * drag.perMinute));
      });
      block.querySelector("[data-edge]").setAttribute("y", drag.edgeY + grown);
    } else {
      drag.startMinute = clamp(snap(start(block) + shift, SNAP), 0, DAY - SNAP);
      const by = (drag.startMinute - start(block)) * drag.perMinute;
      block.setAttribute("transform", `translate(0 ${by})`);
    }
    showTimes(block, drag.startMinute, drag.minutes);
  });

  const endDrag = (event, cancelled) => {
    if (!drag || event.pointerId !== drag.pointer) return;
    const done = drag;
    drag = null;
    if (!done.dragging) return;
    justDragged = true; // the click that follows a drag opens nothing
    setTimeout(() => {
      justDragged = false; // a drag released off the stop is followed by no click
    }, 0);
    const { block } = done;
    if (cancelled || (done.startMinute === start(block) && done.minutes === length(block))) {
      refresh(null);
      return;
    }
    move(block, done.startMinute, done.minutes, null);
  };
  document.addEventListener("pointerup", (event) => endDrag(event, false));
  document.addEventListener("pointercancel", (event) => endDrag(event, true));

  body.addEventListener(
    "click",
    (event) => {
      if (justDragged) {
        justDragged = false;
        event.preventDefault();
        event.stopPropagation();
      }
    },
    true,
  );

  body.addEventListener("click", (event) => {
    // An empty time: the stop form for that day, starting there (on the quarter hour).
    const slots = event.target.closest("[data-slots]");
    if (slots) {
      const svg = slots.closest("svg");
      const fromTop = (svgY(svg, event.clientY) - Number(svg.dataset.header)) / Number(svg.dataset.perMinute);
      const minute = clamp(Math.floor((Number(svg.dataset.firstMinute) + fromTop) / STEP) * STEP, 0, DAY - STEP);
      const url = new URL(svg.dataset.addUrl, window.location.href);
      url.searchParams.set("starts", clock(minute));
      window.location.assign(url);
      return;
    }
    // A row's buttons.
    const button = event.target.closest("[data-move], [data-stretch]");
    const group = button && button.closest("[data-move-stop]");
    if (!group) return;
    const block = stopBlock(group.dataset.moveStop);
    if (!block) return;
    const which = button.dataset.move ? "data-move" : "data-stretch";
    const focus = `[data-move-stop="${group.dataset.moveStop}"] [${which}="${button.getAttribute(which)}"]`;
    if (button.dataset.move) {
      move(block, clamp(start(block) + Number(button.dataset.move), 0, DAY - SNAP), length(block), focus);
    } else {
      move(block, start(block), clamp(length(block) + Number(button.dataset.stretch), SNAP, DAY), focus);
    }
  });

  body.addEventListener("keydown", (event) => {
    if (event.key !== "ArrowUp" && event.key !== "ArrowDown") return;
    const link = event.target.closest(".tl-block");
    const block = link && link.closest("[data-stop]");
    if (!block) return;
    event.preventDefault();
    const by = event.key === "ArrowDown" ? STEP : -STEP;
    const focus = `[data-stop="${block.dataset.stop}"] .tl-block`;
    if (event.shiftKey) move(block, start(block), clamp(length(block) + by, SNAP, DAY), focus);
    else move(block, clamp(start(block) + by, 0, DAY - SNAP), length(block), focus);
  });
})();
