// A paper case for its party, without an account: the case sign and the access code from the office's
// confirmation -> its stages, the due date and why it moved, requests to supplement. POST keeps the code out of URLs.
import { api, ApiError } from "../api.js";
import { clearErrors, field, showErrors } from "../fields.js";
import { $, date, errorNotice, h, layout, notice } from "../ui.js";

function caseView(c) {
  const clock = c.clock || {};
  return h("section", { "aria-labelledby": "sprawa-tytul" },
    h("h2", { id: "sprawa-tytul" }, `Sprawa ${c.case_sign}`),
    h("dl", { class: "summary" },
      h("dt", {}, "Sprawa"), h("dd", {}, c.service_name),
      h("dt", {}, "Stan"), h("dd", { id: "stan" }, c.state_label),
      h("dt", {}, "Termin załatwienia"), h("dd", { id: "termin" }, clock.due_date ? date(clock.due_date) : "niezwłocznie"),
      clock.original_due_date && clock.original_due_date !== clock.due_date
        ? [h("dt", {}, "Pierwotny termin"), h("dd", {}, date(clock.original_due_date))] : null,
      clock.paused_days ? [h("dt", {}, "Dni niewliczane do terminu"), h("dd", {}, String(clock.paused_days))] : null),
    h("h3", {}, "Etapy sprawy"),
    h("ol", { id: "etapy" }, c.stages.map((s) => h("li", {}, h("strong", {}, `${date(s.at)} – ${s.label}. `), s.text,
      s.due_date ? ` Nowy termin: ${date(s.due_date)}.` : ""))),
    c.summonses.length ? [h("h3", {}, "Wezwania do uzupełnienia"), h("ul", {}, c.summonses.map((w) => h("li", {},
      `Wezwanie z ${date(w.issued_on)}: ${w.gaps.join(", ")}. Termin: do ${date(w.term_until)}.`,
      w.answered_on ? ` Uzupełniono ${date(w.answered_on)}.` : "")))] : null,
    c.pauses.length ? [h("h3", {}, "Okresy niewliczane do terminu"), h("ul", {}, c.pauses.map((p) => h("li", {},
      `${date(p.from)} – ${p.to ? date(p.to) : "trwa"}: ${p.basis}`)))] : null);
}

async function main() {
  layout();
  const root = $("#strona");
  const F = {
    sign: field("znak", "Znak sprawy", h("input", { type: "text", autocomplete: "off", spellcheck: "false" }), "Na przykład DG.7340.12.2026 – z potwierdzenia z urzędu."),
    code: field("kod", "Kod dostępu", h("input", { type: "text", autocomplete: "off", spellcheck: "false", autocapitalize: "characters" }),
      "15 znaków z potwierdzenia, np. K7QM2-XRT9P-HCW4N. Wielkość liter i myślniki nie mają znaczenia."),
  };
  const errors = h("div", { id: "bledy-miejsce" });
  const result = h("div", { id: "wynik", tabindex: "-1" });
  const submit = h("button", { type: "submit", class: "btn" }, "Sprawdź sprawę");
  const form = h("form", { novalidate: true }, errors, F.sign.box, F.code.box, submit);
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    clearErrors(F, errors);
    const missing = Object.entries({ sign: "Wpisz znak sprawy.", code: "Wpisz kod dostępu." })
      .filter(([f]) => !F[f].input.value.trim()).map(([f, message]) => ({ field: f, message }));
    if (missing.length) { showErrors(missing, F, (p) => p, errors); return; }
    submit.disabled = true;
    result.replaceChildren(h("p", { role: "status" }, "Sprawdzanie…"));
    try {
      const { data } = await api("/v1/public/cases/lookup", { method: "POST", body: { sign: F.sign.input.value.trim(), code: F.code.input.value } });
      result.replaceChildren(caseView(data));
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) {
        result.replaceChildren(notice("bad", h("p", {}, h("strong", {}, "Nie znaleziono sprawy. "), err.message)));
      } else if (err instanceof ApiError && err.status === 429) {
        result.replaceChildren(notice("warn", h("p", {}, h("strong", {}, "Za dużo prób. "), err.message)));
      } else if (err instanceof ApiError && err.status === 422 && err.details.length) {
        result.replaceChildren();
        showErrors(err.details, F, (p) => (F[p] ? p : null), errors);
        return;
      } else {
        result.replaceChildren(errorNotice(err));
      }
    } finally { submit.disabled = false; }
    result.focus();
  });
  root.replaceChildren(
    h("p", {}, "Złożyłeś wniosek w urzędzie na papierze? Sprawdź, co dzieje się w Twojej sprawie, bez logowania: podaj znak sprawy i kod dostępu z potwierdzenia, które otrzymałeś w urzędzie."),
    form, result);
}

main();
