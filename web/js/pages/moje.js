// The resident's drafts, cases (e-informacja, each linked to its page) and applications with their documents.
import { api, get } from "../api.js";
import { $, date, dateTime, downloadLink, errorNotice, h, layout, requireRole, STATUS } from "../ui.js";
import { stateTag } from "../sprawy.js";
import { zloty } from "../platnosc.js";

function fetchButton(label, path, filename, state) {
  return h("button", { type: "button", class: "btn secondary", onclick: async () => {
    try { const { data } = await api(path); await downloadLink(data.url, filename); state.textContent = `Pobrano: ${filename}`; }
    catch (err) { state.replaceChildren(errorNotice(err)); }
  } }, label);
}

async function main() {
  const who = await layout();
  const root = $("#strona");
  if (!requireRole(who, ["resident"], root)) return;
  let drafts, mine, cases;
  try {
    drafts = await get("/v1/me/drafts");
    cases = await get("/v1/me/cases");
    mine = await get("/v1/me/submissions");
  } catch (err) { root.replaceChildren(errorNotice(err)); return; }
  const state = h("p", { class: "status", role: "status" });
  const items = [...mine.items].sort((a, b) => b.delivered_at.localeCompare(a.delivered_at));
  root.replaceChildren(
    h("h2", { id: "szkice" }, "Wersje robocze"),
    drafts.items.length ? h("ul", { class: "cards", "aria-labelledby": "szkice" }, drafts.items.map((d) => h("li", {},
      h("h3", {}, h("a", { href: `wniosek.html?szkic=${d.draft_id}` }, `Dokończ: ${d.service}`)),
      h("p", { class: "muted" }, `JST ${d.terc} · zapisano ${dateTime(d.updated_at)} · szkic ważny do ${date(d.expires_at)}`))))
      : h("p", {}, "Nie masz zapisanych wersji roboczych."),
    h("h2", { id: "sprawy" }, "Sprawy"),
    cases.items.length ? h("ul", { class: "cards", "aria-labelledby": "sprawy" }, cases.items.map((c) => h("li", {},
      h("h3", {}, h("a", { href: `moja-sprawa.html?id=${encodeURIComponent(c.case_id)}` }, `${c.case_sign}: ${c.service_name}`)),
      h("p", {}, stateTag(c.status, c.state_label), " ", `Zarejestrowano ${date(c.registered_at)} · termin załatwienia: `,
        c.due_date ? date(c.due_date) : "niezwłocznie"),
      c.fee && c.fee.payable ? h("p", {}, `Opłata do zapłaty: ${zloty(c.fee.amount)}. `,
        h("a", { class: "btn", href: `moja-sprawa.html?id=${encodeURIComponent(c.case_id)}#oplata`,
          "aria-label": `Zapłać ${zloty(c.fee.amount)} za sprawę ${c.case_sign}` }, "Zapłać")) : null)))
      : h("p", {}, "Nie masz jeszcze spraw w urzędach. Sprawa pojawi się tu po zarejestrowaniu wniosku."),
    h("h2", { id: "wnioski" }, "Złożone wnioski"), state,
    items.length ? h("ul", { class: "cards", "aria-labelledby": "wnioski" }, items.map((s) => h("li", {},
      h("h3", {}, s.service_name),
      h("dl", { class: "summary" },
        h("dt", {}, "Stan"), h("dd", {}, h("span", { class: `tag ${s.status === "zarejestrowana" ? "ok" : "info"}` }, STATUS[s.status] || s.status)),
        h("dt", {}, "Urząd"), h("dd", {}, s.office_name),
        h("dt", {}, "Złożono"), h("dd", {}, dateTime(s.delivered_at)),
        h("dt", {}, "Numer UPP"), h("dd", {}, s.receipt_id),
        h("dt", {}, "Znak sprawy"), h("dd", {}, s.case_sign || "nadawany po rejestracji"),
        h("dt", {}, "Termin załatwienia"), h("dd", {}, s.due_date ? date(s.due_date) : s.case_sign ? "bez terminu (niezwłocznie)" : "—")),
      fetchButton("Pobierz UPP", s.links.upp, `${s.receipt_id}.xml`, state),
      fetchButton("Pobierz wniosek", s.links.document, `wniosek-${s.receipt_id}.xml`, state),
      s.attachments.map((a) => fetchButton(`Pobierz załącznik ${a.filename}`, a.href, a.filename, state)))))
      : h("p", {}, "Nie złożono jeszcze wniosków. ", h("a", { href: "index.html" }, "Znajdź usługę"), "."));
}
main();
