// A case's words shared by the clerk's and the resident's pages: the KPA states, the clock, the pauses.
import { date, h } from "./ui.js";

// As chalicelib/modules/cases/lifecycle.py names them (the API gives only the current state's label).
export const STATE = {
  oczekuje_na_oplate: "oczekuje na opłatę", zarejestrowana: "zarejestrowana", w_toku: "w toku", wezwanie: "wezwanie do uzupełnienia",
  uzupelniona: "uzupełniona", pozostawiona_bez_rozpoznania: "pozostawiona bez rozpoznania", zawieszona: "zawieszona",
  podjeta: "podjęta", przekazana: "przekazana", zalatwiona: "załatwiona", zakonczona: "zakończona", umorzona: "umorzona",
};
export const stateLabel = (s) => STATE[s] || s;

const DONE = new Set(["zalatwiona", "zakonczona"]);
const STOPPED = new Set(["pozostawiona_bez_rozpoznania", "przekazana", "umorzona"]);
export function stateTag(s, label) {
  const kind = DONE.has(s) ? "ok" : STOPPED.has(s) ? "bad" : s === "wezwanie" || s === "zawieszona" || s === "oczekuje_na_oplate" ? "warn" : "info";
  return h("span", { class: `tag ${kind}` }, label || stateLabel(s));
}

// The clock in words: running, stopped since a day (a summons or a suspension), or ended with the case.
export function clockText(clock) {
  if (clock.ended) return "zakończony (sprawa nie jest już prowadzona w tym urzędzie)";
  if (!clock.running) return `wstrzymany od ${date(clock.stopped_since)}`;
  return "biegnie";
}

export function dueText(clock) {
  return clock.due_date ? date(clock.due_date) : "bez terminu (niezwłocznie)";
}

// The periods that did not count towards the due date (art. 35 § 5 KPA), with their basis.
export function pausesTable(pauses, caption) {
  if (!pauses.length) return h("p", {}, "Bieg terminu nie był wstrzymywany.");
  return h("div", { class: "table-wrap" }, h("table", {}, h("caption", {}, caption),
    h("thead", {}, h("tr", {}, ["Od", "Do", "Dni", "Powód", "Podstawa"].map((t) => h("th", { scope: "col" }, t)))),
    h("tbody", {}, pauses.map((p) => h("tr", {}, h("td", {}, date(p.from)), h("td", {}, p.to ? date(p.to) : "trwa"),
      h("td", {}, p.days ?? "—"), h("td", {}, stateLabel(p.state)), h("td", {}, p.basis))))));
}

// Requests to supplement: the gaps, the term and whether they were answered; an answer sent through the portal
// names its UPP, and `upp(answer)` (if given) gives the control that downloads it.
export function summonsList(summonses, upp) {
  if (!summonses.length) return h("p", {}, "Nie było wezwań do uzupełnienia.");
  return h("ol", { class: "cards", id: "wezwania" }, summonses.map((s) => h("li", {},
    h("h3", {}, `Wezwanie z ${date(s.issued_on)}`),
    h("dl", { class: "summary" },
      h("dt", {}, "Braki do uzupełnienia"), h("dd", {}, h("ul", {}, s.gaps.map((g) => h("li", {}, g)))),
      h("dt", {}, "Termin"), h("dd", {}, `${s.term_days} dni – do ${date(s.term_until)}`),
      h("dt", {}, "Uzupełniono"), h("dd", {}, s.answered_on ? date(s.answered_on) : "jeszcze nie"),
      s.answer ? [h("dt", {}, "Pismo uzupełniające"), h("dd", {}, `UPP ${s.answer.receipt_id}`,
        s.answer.in_term === false ? " (po terminie)" : "", upp ? [" ", upp(s.answer)] : null)] : null))));
}

// The new dates the office named for an overdue case, with the reason of the delay (art. 36 § 1 KPA).
export function extensionsList(extensions) {
  if (!extensions?.length) return null;
  return h("div", { class: "table-wrap" }, h("table", { id: "nowe-terminy" }, h("caption", {}, "Nowe terminy załatwienia sprawy (art. 36 § 1 KPA)"),
    h("thead", {}, h("tr", {}, ["Wyznaczono", "Nowy termin", "Przyczyna zwłoki"].map((t) => h("th", { scope: "col" }, t)))),
    h("tbody", {}, extensions.map((e) => h("tr", {}, h("td", {}, date(e.set_on)), h("td", {}, date(e.due_date)),
      h("td", {}, e.reason))))));
}

// Overdue: the due date passed while the clock runs (as the API's inbox decides it); said in words, not colour.
const warsawToday = () => new Date().toLocaleDateString("sv-SE", { timeZone: "Europe/Warsaw" });  // YYYY-MM-DD
export function isOverdue(clock, today = warsawToday()) {
  return Boolean(clock.running && !clock.ended && clock.due_date && clock.due_date < today);
}
export const overdueTag = () => h("span", { class: "tag bad" }, "Po terminie");
