// The clerk's forms on a case: a change of state asking for what each state needs, a note, an assignment, a new
// due date for an overdue case (art. 36 KPA), the fee paid at the cash desk or by transfer.
// Each checks what it can before sending (field errors and an error summary, as on the application form);
// `send(path, body, done)` posts with the case's ETag and returns the API's 422 details, if any.
import { date, h } from "./ui.js";
import { stateLabel } from "./sprawy.js";

const MIN_SUMMONS_DAYS = 7;  // art. 64 § 2 KPA
const API_FIELD = { to: "nowy-stan", reason: "uzasadnienie", gaps: "braki", term_days: "termin", document: "dokument",
  office: "organ", to_terc: "do-jst", text: "notatka", clerk: "pracownik", document_file: "dokument-plik" };
const OUTSIDE = "poza";  // the przekazana select's choice of an authority outside the platform

// A labelled control with its hint and its (hidden) error, tied by aria-describedby.
function field(id, label, control, hint) {
  const slot = h("p", { class: "field-error", id: `${id}-blad`, hidden: true });
  control.setAttribute("aria-describedby", [hint && `${id}-pomoc`, `${id}-blad`].filter(Boolean).join(" "));
  const box = h("div", { class: "field" }, h("label", { for: id }, label,
    hint ? h("span", { class: "hint", id: `${id}-pomoc` }, hint) : null), slot, control);
  box.error = (message) => {
    slot.hidden = !message;
    slot.replaceChildren(...(message ? [h("span", { class: "visually-hidden" }, "Błąd: "), message] : []));
    box.classList.toggle("has-error", Boolean(message));
    if (message) control.setAttribute("aria-invalid", "true"); else control.removeAttribute("aria-invalid");
  };
  return box;
}

// Field errors on the form and a summary linking to each, focused; nothing shown when there are none.
function showErrors(form, summaryBox, errors) {
  for (const box of form.querySelectorAll(".field")) box.error?.(null);
  if (!errors.length) { summaryBox.replaceChildren(); return false; }
  for (const e of errors) form.querySelector(`#${e.id}`)?.closest(".field")?.error?.(e.message);
  const box = h("div", { class: "error-summary", role: "alert", tabindex: "-1", "aria-labelledby": `${form.id}-bledy` },
    h("h2", { id: `${form.id}-bledy` }, "Popraw błędy w formularzu"),
    h("ul", {}, errors.map((e) => h("li", {}, h("a", { href: `#${e.id}`, onclick: (ev) => {
      ev.preventDefault(); form.querySelector(`#${e.id}`)?.focus(); } }, e.message)))));
  summaryBox.replaceChildren(box);
  box.focus();
  return true;
}

// The server's 422 details on the fields they name (others on the first field).
const fromApi = (details, fallback, fields) => details.map((d) => {
  const name = String(d.field).split(".").pop();
  return { id: fields[name] || fallback, message: d.message };
});

function wire(form, errorsBox, check, post, fallback, fields = API_FIELD) {
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const button = form.querySelector("button[type=submit]");
    const { errors, body } = check();
    if (showErrors(form, errorsBox, errors)) return;
    button.disabled = true;
    try {
      const details = await post(body);
      if (details) showErrors(form, errorsBox, fromApi(details, fallback, fields));
    } finally { button.disabled = false; }
  });
}

// Art. 65: a JST of the platform (it registers the case with its documents) or an authority outside it (on paper).
function forwardTarget(tenants) {
  const target = h("select", { id: "do-jst", name: "to_terc" }, h("option", { value: "" }, "— wybierz —"),
    tenants.map((t) => h("option", { value: t.terc }, `${t.office_name} (${t.name})`)),
    h("option", { value: OUTSIDE }, "organ spoza platformy e-Urząd (przekazanie pismem)"));
  const office = h("input", { type: "text", id: "organ", name: "office" });
  const outside = h("div", { hidden: true }, field("organ", "Nazwa organu właściwego", office,
    "Platforma niczego nie wysyła: sprawę przekazujesz pismem."));
  target.addEventListener("change", () => { outside.hidden = target.value !== OUTSIDE; });
  const box = h("div", { hidden: true }, field("do-jst", "Organ właściwy", target,
    "Jednostka platformy zarejestruje sprawę pod własnym znakiem, z dokumentami (art. 65 KPA)."), outside);
  box.values = () => target.value === OUTSIDE ? { office: office.value.trim() } : { to_terc: target.value };
  return box;
}

// `decisions`: the case's files of kind rozstrzygnięcie shared with the party, which may settle it.
export function transitionForm(allowed, send, tenants = [], decisions = []) {
  const errors = h("div");
  const radios = allowed.map((s) => h("div", { class: "choice" },
    h("input", { type: "radio", name: "to", id: `do-${s}`, value: s }), h("label", { for: `do-${s}` }, stateLabel(s))));
  const gaps = h("textarea", { id: "braki", name: "gaps", rows: 4 });
  const term = h("input", { type: "number", id: "termin", name: "term_days", min: String(MIN_SUMMONS_DAYS), max: "365",
    value: String(MIN_SUMMONS_DAYS), inputmode: "numeric" });
  const documentRef = h("input", { type: "text", id: "dokument", name: "document" });
  const reason = h("textarea", { id: "uzasadnienie", name: "reason", rows: 3 });
  const summons = h("div", { hidden: true },
    field("braki", "Braki do uzupełnienia", gaps, "Każdy brak w osobnym wierszu; strona zobaczy je w wezwaniu."),
    field("termin", "Termin na uzupełnienie (dni)", term, "Co najmniej 7 dni od dziś (art. 64 § 2 KPA)."));
  const decision = h("select", { id: "dokument-plik", name: "document_file" }, h("option", { value: "" }, "— bez pliku —"),
    decisions.map((f) => h("option", { value: f.id }, f.title)));
  const settled = h("div", { hidden: true }, field("dokument", "Znak pisma lub decyzji", documentRef,
    "Dokument, którym załatwiono sprawę, np. OR.0.1.2026."), decisions.length ? field("dokument-plik",
    "Dołączone rozstrzygnięcie", decision, "Plik udostępniony stronie; strona pobierze go w e-informacji.") : null);
  const forwarded = forwardTarget(tenants);
  const picked = () => radios.map((r) => r.querySelector("input")).find((i) => i.checked)?.value;
  const sync = () => { const to = picked(); summons.hidden = to !== "wezwanie"; settled.hidden = to !== "zalatwiona";
    forwarded.hidden = to !== "przekazana"; };
  const states = h("fieldset", { id: "nowy-stan", tabindex: "-1", "aria-describedby": "nowy-stan-blad" },
    h("legend", {}, "Nowy stan sprawy"), h("p", { class: "field-error", id: "nowy-stan-blad", hidden: true }), radios);
  states.classList.add("field");
  states.error = (message) => { const slot = states.querySelector(".field-error"); slot.hidden = !message;
    slot.replaceChildren(...(message ? [h("span", { class: "visually-hidden" }, "Błąd: "), message] : [])); };
  states.addEventListener("change", sync);
  const form = h("form", { id: "zmiana-stanu", novalidate: true }, errors, states, summons, settled, forwarded,
    field("uzasadnienie", "Uzasadnienie", reason, "Zapisywane w historii sprawy; strona go nie widzi."),
    h("button", { class: "btn", type: "submit" }, "Zmień stan sprawy"));
  wire(form, errors, () => {
    const to = picked();
    const body = { to, reason: reason.value.trim() };
    const found = [];
    if (!to) found.push({ id: "nowy-stan", message: "Wybierz nowy stan sprawy." });
    if (to === "wezwanie") {
      body.gaps = gaps.value.split("\n").map((g) => g.trim()).filter(Boolean);
      body.term_days = Number(term.value);
      if (!body.gaps.length) found.push({ id: "braki", message: "Wpisz co najmniej jeden brak do uzupełnienia." });
      if (!/^\d+$/.test(term.value.trim()) || body.term_days < MIN_SUMMONS_DAYS || body.term_days > 365) {
        found.push({ id: "termin", message: "Termin na uzupełnienie: od 7 do 365 dni." });
      }
    }
    if (to === "zalatwiona") {
      if (documentRef.value.trim()) body.document = documentRef.value.trim();
      if (decision.value) body.document_file = decision.value;
      if (!body.document && !body.document_file) found.push({ id: "dokument", message: "Podaj znak pisma lub decyzji albo wskaż dołączone rozstrzygnięcie." });
    }
    if (to === "przekazana") {
      const where = forwarded.values();
      Object.assign(body, where);
      if (!where.office && !where.to_terc) found.push({ id: where.office === "" ? "organ" : "do-jst", message: "Wskaż organ właściwy." });
    }
    if (!body.reason) found.push({ id: "uzasadnienie", message: "Wpisz uzasadnienie zmiany." });
    return { errors: found, body };
  }, (body) => send("transitions", body, `Zmieniono stan sprawy na: ${stateLabel(body.to)}.`), "uzasadnienie");
  return form;
}

export function noteForm(send) {
  const errors = h("div");
  const text = h("textarea", { id: "notatka", name: "text", rows: 3 });
  const form = h("form", { id: "nowa-notatka", novalidate: true }, errors,
    field("notatka", "Nowa notatka wewnętrzna", text, "Widoczna tylko dla pracowników urzędu, nigdy dla strony."),
    h("button", { class: "btn secondary", type: "submit" }, "Dodaj notatkę"));
  wire(form, errors, () => {
    const body = { text: text.value.trim() };
    return { errors: body.text ? [] : [{ id: "notatka", message: "Wpisz treść notatki." }], body };
  }, (body) => send("notes", body, "Dodano notatkę."), "notatka");
  return form;
}

// The department head assigns anyone (by their sign-in identifier).
export function assignForm(send) {
  const errors = h("div");
  const clerk = h("input", { type: "text", id: "pracownik", name: "clerk", autocomplete: "off", spellcheck: "false" });
  const form = h("form", { id: "przydzial", novalidate: true }, errors,
    field("pracownik", "Przydziel pracownikowi", clerk, "Identyfikator pracownika (login), np. jan.nowak."),
    h("button", { class: "btn secondary", type: "submit" }, "Przydziel"));
  wire(form, errors, () => {
    const body = { clerk: clerk.value.trim() };
    return { errors: body.clerk ? [] : [{ id: "pracownik", message: "Wpisz identyfikator pracownika." }], body };
  }, (body) => send("assignment", body, `Przydzielono sprawę: ${body.clerk}.`), "pracownik");
  return form;
}

// A day typed as 15.12.2026 (or 2026-12-15), as ISO; null if it is no calendar day.
function isoDay(text) {
  const m = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(text) || /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return null;
  const [y, mo, d] = m[1].length === 4 ? [m[1], m[2], m[3]] : [m[3], m[2], m[1]];
  const iso = `${y}-${mo.padStart(2, "0")}-${d.padStart(2, "0")}`;
  return new Date(`${iso}T00:00:00Z`).toISOString().startsWith(iso) ? iso : null;
}

// Art. 36 § 1: the new date (a working day after the current one) and the reason of the delay the party is told.
// A text field (dzień.miesiąc.rok): typed the same way with any keyboard or speech input, unlike a date picker.
export function deadlineForm(send) {
  const errors = h("div");
  const due = h("input", { type: "text", id: "nowy-termin", name: "due_date", inputmode: "numeric", autocomplete: "off",
    spellcheck: "false" });
  const reason = h("textarea", { id: "przyczyna-zwloki", name: "reason", rows: 3 });
  const form = h("form", { id: "nowy-termin-form", novalidate: true }, errors,
    field("nowy-termin", "Nowy termin załatwienia sprawy", due, "Dzień roboczy po obecnym terminie, np. 15.12.2026."),
    field("przyczyna-zwloki", "Przyczyna zwłoki", reason, "Strona otrzyma ją z nowym terminem i pouczeniem o ponagleniu (art. 37 KPA)."),
    h("button", { class: "btn secondary", type: "submit" }, "Wyznacz nowy termin"));
  wire(form, errors, () => {
    const body = { due_date: isoDay(due.value.trim()), reason: reason.value.trim() };
    const found = [];
    if (!body.due_date) found.push({ id: "nowy-termin", message: "Podaj nowy termin jako dzień.miesiąc.rok, np. 15.12.2026." });
    if (!body.reason) found.push({ id: "przyczyna-zwloki", message: "Wpisz przyczynę zwłoki." });
    return { errors: found, body };
  }, (body) => send("deadline", body, `Wyznaczono nowy termin załatwienia sprawy: ${date(body.due_date)}.`), "nowy-termin",
  { due_date: "nowy-termin", reason: "przyczyna-zwloki" });
  return form;
}

// An amount typed as 17,00 or 17 (zł), in grosze; null if it is no amount.
function grosze(text) {
  const m = /^(\d{1,7})(?:[,.](\d{1,2}))?$/.exec(text.replace(/\s|zł/g, ""));
  return m ? Number(m[1]) * 100 + Number((m[2] || "0").padEnd(2, "0")) : null;
}

// The fee paid another way than online (the only way where the JST takes no payments online): the case then moves
// on as after an online payment, its KPA clock running again from the payment's day.
export function feePaymentForm(fee, send) {
  const errors = h("div");
  const amount = h("input", { type: "text", id: "wplata-kwota", name: "amount", inputmode: "decimal", autocomplete: "off",
    value: `${Math.floor(fee.amount / 100)},${String(fee.amount % 100).padStart(2, "0")}` });
  const day = h("input", { type: "text", id: "wplata-dzien", name: "paid_on", inputmode: "numeric", autocomplete: "off",
    spellcheck: "false", value: new Date().toLocaleDateString("pl-PL", { day: "2-digit", month: "2-digit", year: "numeric" }) });
  const how = ["kasa", "przelew"].map((v, i) => h("div", { class: "choice" }, h("input", { type: "radio", name: "how",
    id: `wplata-${v}`, value: v, checked: i === 0 }), h("label", { for: `wplata-${v}` }, v === "kasa" ? "W kasie urzędu" : "Przelewem na rachunek urzędu")));
  const ways = h("fieldset", { id: "wplata-sposob" }, h("legend", {}, "Sposób wpłaty"), how);
  const reference = h("input", { type: "text", id: "wplata-tytul", name: "reference", autocomplete: "off" });
  const form = h("form", { id: "wplata-form", novalidate: true }, errors,
    field("wplata-kwota", "Wpłacona kwota (zł)", amount, "Cała opłata za sprawę, np. 17,00."),
    field("wplata-dzien", "Dzień wpłaty", day, "Nie późniejszy niż dziś, np. 15.12.2026."), ways,
    field("wplata-tytul", "Tytuł przelewu lub numer dowodu wpłaty", reference, "Przy przelewie wymagany."),
    h("button", { class: "btn", type: "submit" }, "Zapisz wpłatę"));
  wire(form, errors, () => {
    const body = { amount: grosze(amount.value.trim()), paid_on: isoDay(day.value.trim()),
      how: form.querySelector("input[name=how]:checked").value };
    if (reference.value.trim()) body.reference = reference.value.trim();
    const found = [];
    if (!body.amount) found.push({ id: "wplata-kwota", message: "Podaj kwotę w złotych, np. 17,00." });
    if (!body.paid_on) found.push({ id: "wplata-dzien", message: "Podaj dzień wpłaty jako dzień.miesiąc.rok, np. 15.12.2026." });
    if (body.how === "przelew" && !body.reference) found.push({ id: "wplata-tytul", message: "Podaj tytuł lub identyfikator przelewu." });
    return { errors: found, body };
  }, (body) => send("fee-payment", body, "Zapisano wpłatę opłaty. Sprawa została zarejestrowana."), "wplata-kwota",
  { amount: "wplata-kwota", paid_on: "wplata-dzien", reference: "wplata-tytul", how: "wplata-kasa" });
  return form;
}
