// Pickers that filter as one types: a search box before each <select data-picker> and each
// <fieldset data-picker> of checkboxes (countries, languages, people, venues, organizations).
// The control itself stays the browser's own and sends what it sends without JavaScript;
// this only hides what does not match. An option matches on its label and on its
// data-search (its names in every script, planner/forms.py), so "تر" and "Tur" both find
// Turkey on either page. The words come from <html data-picker-*> (templates/base.html).
(() => {
  const words = document.documentElement.dataset;
  const digits = new Intl.NumberFormat(document.documentElement.lang || "en");
  // Arabic forms of letters as the Persian ones, Persian and Arabic digits as Latin; the
  // zero-width non-joiner and the tatweel only shape letters.
  const FORMS = { "ك": "ک", "ي": "ی", "ى": "ی", "ة": "ه", "ۀ": "ه", "ٱ": "ا" };
  const fold = (text) =>
    text
      .normalize("NFKD")
      .replace(/\p{M}/gu, "")
      .replace(/[\u200c\u200d\u0640]/g, "")
      .replace(/[كيىةۀٱ]/g, (letter) => FORMS[letter])
      .replace(/[۰-۹]/g, (digit) => String(digit.charCodeAt(0) - 0x06f0))
      .replace(/[٠-٩]/g, (digit) => String(digit.charCodeAt(0) - 0x0660))
      .toLowerCase()
      .replace(/\s+/g, " ")
      .trim();
  const haystack = (label, search) => fold(`${label} ${search || ""}`);
  const MOST_ROWS = 8; // a filtered select shows its matches as a list of at most this many

  let count = 0;
  function searchBox(labelText, controls) {
    count += 1;
    const box = document.createElement("input");
    box.type = "search";
    box.className = "input picker__search";
    box.id = `picker-${count}`;
    box.dir = "auto";
    box.autocomplete = "off";
    box.spellcheck = false;
    box.placeholder = words.pickerPlaceholder;
    box.setAttribute("aria-label", `${words.pickerFilter} ${labelText}`.trim());
    box.setAttribute("aria-controls", controls);
    const status = document.createElement("p");
    status.className = "picker__status visually-hidden";
    status.id = `picker-${count}-status`;
    status.setAttribute("aria-live", "polite");
    box.setAttribute("aria-describedby", status.id);
    const wrapper = document.createElement("div");
    wrapper.className = "picker";
    wrapper.append(box, status);
    return { wrapper, box, status };
  }

  function say(status, shown, total, query) {
    status.textContent = query
      ? words.pickerCount
          .replace("{shown}", digits.format(shown))
          .replace("{total}", digits.format(total))
      : "";
  }

  function labelOf(control) {
    const label = control.id && document.querySelector(`label[for="${control.id}"]`);
    return label ? label.textContent.trim() : "";
  }

  // A select: the options that match, and always the one chosen (so nothing is chosen
  // behind the reader's back); while filtering, a list box of the matches.
  function enhanceSelect(select) {
    const options = [...select.options].map((option) => ({
      option,
      text: haystack(option.textContent, option.dataset.search),
    }));
    const size = select.size;
    const total = options.filter(({ option }) => option.value !== "").length;
    const { wrapper, box, status } = searchBox(labelOf(select), select.id);
    select.before(wrapper);
    let matches = [];
    function filter() {
      const query = fold(box.value);
      const chosen = select.selectedOptions[0];
      matches = query
        ? options.filter(({ option, text }) => option.value !== "" && text.includes(query))
        : options;
      const shown = matches.map(({ option }) => option);
      if (query && chosen && !shown.includes(chosen)) shown.unshift(chosen);
      select.replaceChildren(...shown);
      if (chosen) chosen.selected = true;
      select.size = query ? Math.min(Math.max(shown.length, 2), MOST_ROWS) : size;
      say(status, matches.length, total, query);
    }
    box.addEventListener("input", filter);
    box.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        // The first match is chosen, the form not sent: Enter in a search box means "this".
        event.preventDefault();
        const first = fold(box.value) && matches[0];
        if (first) {
          select.value = first.option.value;
          select.dispatchEvent(new Event("change", { bubbles: true }));
        }
        select.focus();
      } else if (event.key === "ArrowDown") {
        event.preventDefault();
        select.focus();
      } else if (event.key === "Escape" && box.value) {
        event.preventDefault();
        box.value = "";
        filter();
      }
    });
  }

  // Checkboxes: the items that do not match are hidden (a hidden ticked box is still sent,
  // and "Chosen: ..." above the list names it).
  function enhanceChecklist(fieldset) {
    const items = [...fieldset.querySelectorAll("li")].filter((item) =>
      item.querySelector("input[type=checkbox]"),
    );
    if (!items.length) return;
    const entries = items.map((item) => {
      const box = item.querySelector("input[type=checkbox]");
      const label = item.querySelector("label");
      return { item, text: haystack(label ? label.textContent : "", box.dataset.search) };
    });
    const list = items[0].parentElement;
    if (!list.id) list.id = `${fieldset.id || `picker-list-${count + 1}`}-list`;
    const legend = fieldset.querySelector("legend");
    const { wrapper, box, status } = searchBox(legend ? legend.textContent.trim() : "", list.id);
    list.before(wrapper);
    function filter() {
      const query = fold(box.value);
      let shown = 0;
      for (const { item, text } of entries) {
        item.hidden = Boolean(query) && !text.includes(query);
        if (!item.hidden) shown += 1;
      }
      say(status, shown, entries.length, query);
    }
    box.addEventListener("input", filter);
    box.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault(); // never sends the form from the filter
        const first = entries.find(({ item }) => !item.hidden);
        if (first) first.item.querySelector("input").focus();
      } else if (event.key === "Escape" && box.value) {
        event.preventDefault();
        box.value = "";
        filter();
      }
    });
  }

  document.querySelectorAll("select[data-picker]").forEach(enhanceSelect);
  document.querySelectorAll("fieldset[data-picker]").forEach(enhanceChecklist);
})();
