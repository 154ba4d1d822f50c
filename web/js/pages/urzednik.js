// The clerk's inbox (ESP): the department's cases newest first, paged, all or in one state or the clerk's own, or
// the open ones by due date, or only the overdue (art. 36 KPA; marked in words), each linked to its case page; a submission with signer, flags, attachments, the document and the UPP.
import { api, get } from "../api.js";
import { $, date, dateTime, downloadLink, errorNotice, h, layout, notice, params, requireRole } from "../ui.js";
import { STATE, stateTag } from "../sprawy.js";

const FLAG = { signer_not_applicant: "podpisał ktoś inny niż wnioskodawca" };

async function showSubmission(root, terc, id) {
  const s = await get(`/v1/tenants/${terc}/submissions/${encodeURIComponent(id)}`);
  $("#tytul").textContent = `Wniosek ${s.case_sign || s.receipt_id}`;
  const state = h("p", { class: "status", role: "status" });
  const link = (label, path, name) => h("button", { type: "button", class: "btn secondary", onclick: async () => {
    try { const { data } = await api(path); await downloadLink(data.url, name); state.textContent = `Pobrano: ${name}`; }
    catch (err) { state.replaceChildren(errorNotice(err)); }
  } }, label);
  root.replaceChildren(
    h("p", {}, h("a", { href: "urzednik.html" }, "Wróć do skrzynki")),
    h("dl", { class: "summary" },
      h("dt", {}, "Usługa"), h("dd", {}, s.service_name),
      h("dt", {}, "Znak sprawy"), h("dd", {}, s.case_sign || "nie zarejestrowano"),
      h("dt", {}, "Komórka"), h("dd", {}, s.department || "—"),
      h("dt", {}, "Termin"), h("dd", {}, s.due_date ? date(s.due_date) : "—"),
      h("dt", {}, "Doręczono"), h("dd", {}, dateTime(s.delivered_at)),
      h("dt", {}, "UPP"), h("dd", {}, s.receipt_id),
      h("dt", {}, "Podpis"), h("dd", {}, s.signed ? `podpisany przez: ${s.signer ? [s.signer.name, s.signer.pesel && "PESEL " + s.signer.pesel].filter(Boolean).join(", ") : "—"}` : "złożony bez podpisu wnioskodawcy (UPP urzędu)"),
      h("dt", {}, "Uwagi"), h("dd", { id: "flagi" }, s.flags.length ? h("ul", {}, s.flags.map((f) => h("li", {}, h("span", { class: "tag warn" }, "Uwaga"), " ", FLAG[f] || f))) : "brak"),
      h("dt", {}, "SHA-256 dokumentu"), h("dd", {}, s.document_sha256)),
    h("h2", {}, "Dokumenty"),
    link("Pobierz wniosek (XML)", s.links.document, `wniosek-${s.receipt_id}.xml`),
    link("Pobierz UPP", s.links.upp, `${s.receipt_id}.xml`),
    h("h2", {}, "Załączniki"),
    s.attachments.length ? h("ul", {}, s.attachments.map((a) => h("li", {}, `${a.filename} (${Math.ceil(a.size / 1024)} KB, ${a.content_type}) `,
      link(`Pobierz ${a.filename}`, a.href, a.filename)))) : h("p", {}, "Brak załączników."),
    state);
}

// Letters the e-Delivery box could not take after every retry: each links to its case ("Wyślij ponownie" there).
function failedSends(terc) {
  const box = h("div", { id: "nieudane-wysylki" });
  get(`/v1/tenants/${terc}/deliveries/failed`).then((list) => {
    if (!list.items.length) return;
    box.replaceChildren(notice("bad", h("h2", {}, "Nieudane wysyłki pism"), h("ul", {}, list.items.map((d) => h("li", {},
      h("a", { href: `sprawa.html?jst=${terc}&id=${encodeURIComponent(d.case_id)}` }, `${d.case_sign}: ${d.title}`),
      ` — ${d.status_label}; użyj „Wyślij ponownie” na stronie sprawy.`)))));
  }).catch(() => {});
  return box;
}

async function main() {
  const who = await layout();
  const root = $("#strona");
  if (!requireRole(who, ["clerk"], root)) return;
  const p = params();
  try {
    if (p.get("id")) { await showSubmission(root, who.terc, p.get("id")); return; }
    const tenant = await get(`/v1/tenants/${who.terc}`);
    let department = who.department || p.get("komorka") || "OR";
    const pages = [null];
    const table = h("div", { class: "table-wrap" });
    const nav = h("nav", { "aria-label": "Strony skrzynki" });
    const count = h("p", { role: "status" });
    let latest = 0;
    async function load(index) {
      const asked = ++latest;  // only the last page asked for is shown, whatever order the answers come in
      count.textContent = "Wczytywanie…";
      nav.replaceChildren();  // no paging from a page that is being replaced
      const q = new URLSearchParams({ limit: "10", ...(who.department ? {} : { department }), ...filters(),
        ...(pages[index] && { next: pages[index] }) });
      const box = await get(`/v1/tenants/${who.terc}/inbox?${q}`);
      if (asked !== latest) return;
      pages[index + 1] = box.next;
      count.textContent = `Komórka ${box.department}${shown.value ? ", " + shown.selectedOptions[0].textContent : ""}: strona ${index + 1}, spraw na stronie: ${box.count}`;
      const byDue = ["termin", "po-terminie"].includes(shown.value);
      table.replaceChildren(box.items.length ? h("table", {}, h("caption", { class: "visually-hidden" }, byDue ? "Sprawy, najwcześniejszy termin najpierw" : "Sprawy, najnowsze najpierw"),
        h("thead", {}, h("tr", {}, ["Znak sprawy", "Usługa", "Stan", "Prowadzi", "Wnioskodawca", "Zarejestrowano", "Termin", "Uwagi"].map((t) => h("th", { scope: "col" }, t)))),
        h("tbody", {}, box.items.map((c) => h("tr", {},
          h("td", {}, h("a", { href: `sprawa.html?jst=${who.terc}&id=${encodeURIComponent(c.case_id || c.submission_id)}` }, c.case_sign)),
          h("td", {}, c.service_name), h("td", {}, stateTag(c.status)),
          h("td", {}, c.assignee ? (c.assignee === who.subject ? "Ty" : c.assignee) : "—"),
          h("td", {}, c.applicant || "—"), h("td", {}, dateTime(c.registered_at)), h("td", {}, c.due_date ? date(c.due_date) : c.deadline,
            c.overdue ? [" ", h("span", { class: "tag bad" }, "Po terminie")] : null,
            c.fee_unpaid ? [" ", h("span", { class: "tag bad" }, "Opłata nieuiszczona")] : null),
          h("td", {}, c.flags.length ? c.flags.map((f) => FLAG[f] || f).join(", ") : c.signed ? "podpisany" : "—")))))
        : h("p", {}, shown.value ? "Brak spraw spełniających warunek." : "Brak spraw."));
      nav.replaceChildren(...[  // replaceChildren would write a missing one as the text "null"
        index > 0 ? h("button", { type: "button", class: "btn secondary", onclick: () => load(index - 1) }, "Poprzednia strona") : null,
        box.next ? h("button", { type: "button", class: "btn secondary", onclick: () => load(index + 1) }, "Następna strona") : null,
      ].filter(Boolean));
    }
    // One filter at a time (each is its own index in the API): the clerk's own cases, or one state.
    const shown = h("select", { id: "filtr", name: "filtr" }, h("option", { value: "" }, "wszystkie sprawy"),
      h("option", { value: "moje" }, "moje sprawy"),
      h("option", { value: "termin" }, "otwarte według terminu załatwienia"), h("option", { value: "po-terminie" }, "po terminie (art. 36 KPA)"),
      h("option", { value: "nieoplacone" }, "opłata nieuiszczona w terminie (art. 261 KPA)"),
      Object.entries(STATE).map(([v, l]) => h("option", { value: "stan:" + v }, `w stanie: ${l}`)));
    const FIXED = { moje: { assignee: who.subject }, termin: { order: "due" }, "po-terminie": { overdue: "1" }, nieoplacone: { fee_unpaid: "1" } };
    const filters = () => FIXED[shown.value] || (shown.value ? { state: shown.value.slice(5) } : {});
    const filterForm = h("form", { class: "filters", onsubmit: (e) => {
      e.preventDefault(); pages.length = 1; load(0).catch((err) => table.replaceChildren(errorNotice(err))); } },
      h("div", { class: "field" }, h("label", { for: "filtr" }, "Pokaż"), shown),
      h("div", { class: "field" }, h("button", { class: "btn secondary", type: "submit" }, "Filtruj")));
    const symbol = h("input", { type: "text", id: "komorka", value: department, autocapitalize: "characters", spellcheck: "false" });
    // A clerk without an assignment (kancelaria) picks the department's inbox by its symbol.
    const chooser = who.department ? h("p", {}, `Twoja komórka: ${who.department}`) : h("form", { onsubmit: (e) => {
      e.preventDefault(); department = symbol.value.trim().toUpperCase(); pages.length = 1;
      load(0).catch((err) => table.replaceChildren(errorNotice(err))); } },
      h("div", { class: "field" }, h("label", { for: "komorka" }, "Komórka (symbol)", h("span", { class: "hint" }, "np. OR, GK, OS")), symbol),
      h("button", { class: "btn secondary", type: "submit" }, "Pokaż skrzynkę"));
    root.replaceChildren(h("p", {}, tenant.office_name), failedSends(who.terc), chooser, filterForm, count, table, nav);
    await load(0);
  } catch (err) { root.replaceChildren(errorNotice(err)); }
}
main();
