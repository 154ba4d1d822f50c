// Plain form fields for the office's own forms (not catalogue forms): a labelled input with its hint and error
// slot, and the server's 422 details shown on the right fields with an error summary that links to each.
import { h } from "./ui.js";

export function field(id, label, input, hint) {
  const error = h("p", { class: "field-error", id: `${id}-blad`, hidden: true });
  const hintEl = hint ? h("span", { class: "hint", id: `${id}-podpowiedz` }, hint) : null;
  input.id = id;
  input.name ??= id;
  input.setAttribute("aria-describedby", [hint && `${id}-podpowiedz`, `${id}-blad`].filter(Boolean).join(" "));
  const box = h("div", { class: "field", id: `${id}-pole` }, h("label", { for: id }, label), hintEl, error, input);
  return { id, label, box, input, error };
}

export function clearErrors(fields, summaryBox) {
  for (const f of Object.values(fields)) {
    f.error.hidden = true;
    f.error.replaceChildren();
    f.box.classList.remove("has-error");
    f.input.removeAttribute("aria-invalid");
  }
  summaryBox.replaceChildren();
}

// `details`: [{field, message}]; `byPath(path)` names the field a server path belongs to (or null).
export function showErrors(details, fields, byPath, summaryBox) {
  clearErrors(fields, summaryBox);
  const items = details.map((d) => {
    const f = fields[byPath(d.field)];
    if (!f) return h("li", {}, d.message);
    f.error.hidden = false;
    f.error.append(h("span", { class: "visually-hidden" }, "Błąd: "), d.message, " ");
    f.box.classList.add("has-error");
    f.input.setAttribute("aria-invalid", "true");
    return h("li", {}, h("a", { href: `#${f.id}`, onclick: (ev) => { ev.preventDefault(); f.input.focus(); } }, `${f.label}: ${d.message}`));
  });
  const box = h("div", { class: "error-summary", role: "alert", tabindex: "-1", id: "bledy", "aria-labelledby": "bledy-tytul" },
    h("h2", { id: "bledy-tytul" }, "Popraw błędy w formularzu"), h("ul", {}, items));
  summaryBox.replaceChildren(box);
  box.focus();
}
