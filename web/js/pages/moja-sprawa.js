// The resident's case (e-informacja): its stages with dates and the office's words, the due date and why it
// moved, the requests to supplement with their terms, and while the last one is open a way to answer it.
import { get } from "../api.js";
import { $, date, dateTime, errorNotice, h, layout, notice, params, requireRole } from "../ui.js";
import { clockText, dueText, pausesTable, stateTag, summonsList } from "../sprawy.js";

function stage(s) {
  const more = [];
  if (s.gaps) more.push(h("p", {}, "Braki do uzupełnienia:"), h("ul", {}, s.gaps.map((g) => h("li", {}, g))));
  if (s.term_until) more.push(h("p", {}, `Termin na uzupełnienie: do ${date(s.term_until)}.`));
  if (s.document) more.push(h("p", {}, `Dokument: ${s.document}.`));
  if (s.office) more.push(h("p", {}, `Sprawę przekazano do: ${s.office}.`));
  if (s.due_date) more.push(h("p", {}, `Termin załatwienia sprawy: ${date(s.due_date)}.`));
  return h("li", {}, h("h3", {}, s.label), h("p", { class: "muted" }, dateTime(s.at)), h("p", {}, s.text), more);
}

async function main() {
  const who = await layout();
  const root = $("#strona");
  if (!requireRole(who, ["resident"], root)) return;
  const id = params().get("id");
  if (!id) { root.replaceChildren(notice("warn", h("p", {}, "Wybierz sprawę z listy "), h("a", { href: "moje.html" }, "Moje sprawy"))); return; }
  let c;
  try { c = await get(`/v1/me/cases/${encodeURIComponent(id)}`); } catch (err) {
    if (err.status === 404) $("#tytul").textContent = "Nie znaleziono sprawy";
    root.replaceChildren(errorNotice(err), h("p", {}, h("a", { href: "moje.html" }, "Wróć do moich spraw")));
    return;
  }
  const office = await get(`/v1/tenants/${c.terc}`).then((t) => t.office_name).catch(() => `JST ${c.terc}`);
  document.title = `Sprawa ${c.case_sign} – e-Urząd`;
  $("#tytul").textContent = `Sprawa ${c.case_sign}`;
  const clock = c.clock;
  const last = c.summonses[c.summonses.length - 1];
  const answer = c.status === "wezwanie" && last && !last.answered_on;
  const moved = clock.due_date && clock.original_due_date && clock.due_date !== clock.original_due_date;
  root.replaceChildren(h("div", {},  // h() leaves out what this case does not have
    h("p", {}, h("a", { href: "moje.html" }, "Wróć do moich spraw")),
    answer ? notice("warn", h("p", {}, h("strong", {}, "Urząd wzywa do uzupełnienia wniosku "),
      `do ${date(last.term_until)}. Do czasu uzupełnienia termin załatwienia sprawy nie biegnie.`),
      h("p", {}, h("a", { class: "btn", href: `uzupelnienie.html?sprawa=${encodeURIComponent(c.case_id)}` }, "Odpowiedz na wezwanie"))) : null,
    h("dl", { class: "summary", id: "dane" },
      h("dt", {}, "Sprawa"), h("dd", {}, c.service_name),
      h("dt", {}, "Urząd"), h("dd", {}, office),
      h("dt", {}, "Stan"), h("dd", { id: "stan" }, stateTag(c.status, c.state_label)),
      h("dt", {}, "Zarejestrowano"), h("dd", {}, dateTime(c.registered_at))),
    h("h2", {}, "Termin załatwienia"),
    h("dl", { class: "summary", id: "termin-kpa" },
      h("dt", {}, "Termin"), h("dd", {}, dueText(clock)),
      moved ? [h("dt", {}, "Termin pierwotny"), h("dd", {}, date(clock.original_due_date))] : null,
      h("dt", {}, "Bieg terminu"), h("dd", {}, clockText(clock))),
    c.pauses.length ? h("p", {}, moved ? `Termin przesunięto o ${clock.paused_days} dni: tych okresów nie wlicza się do terminu.`
      : "Tych okresów nie wlicza się do terminu załatwienia sprawy.") : null,
    pausesTable(c.pauses, "Okresy niewliczane do terminu (art. 35 § 5 KPA)"),
    h("h2", {}, "Wezwania do uzupełnienia"), summonsList(c.summonses),
    h("h2", { id: "etapy" }, "Etapy sprawy"),
    h("ol", { class: "cards", id: "lista-etapow", "aria-labelledby": "etapy" }, c.stages.map(stage))));
}
main();
