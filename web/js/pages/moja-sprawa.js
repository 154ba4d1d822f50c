// The resident's case (e-informacja): its stages with dates and the office's words, the due date and why it
// moved (pauses, new dates under art. 36), the requests to supplement with their terms, and while the last one is
// open a way to answer it, an answered one with its UPP; a forwarded case links to the other office's case.
import { api, get } from "../api.js";
import { $, date, dateTime, downloadLink, errorNotice, h, layout, notice, params, requireRole } from "../ui.js";
import { sharedFiles } from "../sprawa-pliki.js";
import { myDeliveries } from "../sprawa-doreczenia.js";
import { clockText, dueText, extensionsList, pausesTable, stateTag, summonsList } from "../sprawy.js";
import { feeBlock } from "../platnosc.js";

const caseLink = (id, text) => h("a", { href: `moja-sprawa.html?id=${encodeURIComponent(id)}` }, text);

// Art. 65 KPA: where the case went (the new case, if the office is on the platform) or where it came from.
function forwarding(c) {
  const to = c.forwarded_to;
  const from = c.forwarded_from;
  if (to) {
    return notice("info", h("p", { id: "przekazanie" }, h("strong", {}, "Sprawę przekazano do organu właściwego: "), `${to.office}. `,
      to.case_id ? caseLink(to.case_id, `Zobacz sprawę w urzędzie: ${to.office}`) : "Urząd przekazał ją pismem."));
  }
  if (from) {
    return notice("info", h("p", { id: "przekazanie" }, h("strong", {}, "Sprawa przekazana przez: "),
      `${from.office} (tam znak ${from.case_sign}, przekazano ${date(from.forwarded_at)}). `,
      from.case_id ? caseLink(from.case_id, `Zobacz sprawę w urzędzie: ${from.office}`) : null));
  }
  return null;
}

// The UPP of the letter that answered a summons, downloaded under its number.
function uppButton(answer, state) {
  return h("button", { type: "button", class: "btn secondary", onclick: async () => {
    try { const { data } = await api(answer.upp); await downloadLink(data.url, `${answer.receipt_id}.xml`); state.textContent = `Pobrano: ${answer.receipt_id}.xml`; }
    catch (err) { state.replaceChildren(errorNotice(err)); }
  } }, "Pobierz UPP odpowiedzi");
}

function stage(s) {
  const more = [];
  if (s.gaps) more.push(h("p", {}, "Braki do uzupełnienia:"), h("ul", {}, s.gaps.map((g) => h("li", {}, g))));
  if (s.term_until) more.push(h("p", {}, `Termin na uzupełnienie: do ${date(s.term_until)}.`));
  if (s.document) more.push(h("p", {}, `Dokument: ${s.document}.`));
  if (s.document_file) more.push(h("p", {}, `Rozstrzygnięcie: ${s.document_file.title} (do pobrania w dokumentach sprawy).`));
  if (s.office) more.push(h("p", {}, `Sprawę przekazano do: ${s.office}.`));
  if (s.due_date) more.push(h("p", {}, `Termin załatwienia sprawy: ${date(s.due_date)}.`));
  if (s.receipt_id) more.push(h("p", {}, `Pismo uzupełniające: UPP ${s.receipt_id}.`));
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
  const state = h("p", { class: "status", role: "status" });
  const moved = clock.due_date && clock.original_due_date && clock.due_date !== clock.original_due_date;
  const fee = await feeBlock(c);  // after the gateway, the order's state (a failed attempt shows at once)
  root.replaceChildren(h("div", {},  // h() leaves out what this case does not have
    h("p", {}, h("a", { href: "moje.html" }, "Wróć do moich spraw")),
    forwarding(c),
    fee,
    answer ? notice("warn", h("p", {}, h("strong", {}, "Urząd wzywa do uzupełnienia wniosku "),
      `do ${date(last.term_until)}. Do czasu uzupełnienia termin załatwienia sprawy nie biegnie.`),
      h("p", {}, h("a", { class: "btn", href: `uzupelnienie.html?sprawa=${encodeURIComponent(c.case_id)}` }, "Odpowiedz na wezwanie"))) : null,
    h("dl", { class: "summary", id: "dane" },
      h("dt", {}, "Sprawa"), h("dd", {}, c.service_name),
      h("dt", {}, "Urząd"), h("dd", {}, office),
      h("dt", {}, "Stan"), h("dd", { id: "stan" }, stateTag(c.status, c.state_label)),
      h("dt", {}, "Zarejestrowano"), h("dd", {}, dateTime(c.registered_at)),
      c.filed_on ? [h("dt", {}, "Data złożenia wniosku"), h("dd", { id: "data-zlozenia" }, date(c.filed_on))] : null),
    h("h2", {}, "Termin załatwienia"),
    h("dl", { class: "summary", id: "termin-kpa" },
      h("dt", {}, "Termin"), h("dd", {}, dueText(clock)),
      moved ? [h("dt", {}, "Termin pierwotny"), h("dd", {}, date(clock.original_due_date))] : null,
      h("dt", {}, "Bieg terminu"), h("dd", {}, clockText(clock))),
    c.pauses.length ? h("p", {}, moved ? `Termin przesunięto o ${clock.paused_days} dni: tych okresów nie wlicza się do terminu.`
      : "Tych okresów nie wlicza się do terminu załatwienia sprawy.") : null,
    pausesTable(c.pauses, "Okresy niewliczane do terminu (art. 35 § 5 KPA)"),
    (c.extensions || []).length ? h("p", {}, "Urząd wyznaczył nowy termin i podał przyczynę zwłoki. Jeśli sprawa nie zostanie "
      + "załatwiona w terminie, możesz wnieść ponaglenie (art. 37 KPA).") : null,
    extensionsList(c.extensions),
    h("h2", {}, "Wezwania do uzupełnienia"), summonsList(c.summonses, (a) => uppButton(a, state)),
    h("h2", {}, "Dokumenty od urzędu"), sharedFiles(c.files || [], state), state,
    h("h2", {}, "Pisma urzędu i ich doręczenie"),
    c.delivery_to ? h("p", { id: "doreczenie-na" }, "Urząd doręcza Ci pisma: ", c.delivery_to.text) : null,
    myDeliveries(c.case_id, state),
    h("h2", { id: "etapy" }, "Etapy sprawy"),
    h("ol", { class: "cards", id: "lista-etapow", "aria-labelledby": "etapy" }, c.stages.map(stage))));
}
main();
