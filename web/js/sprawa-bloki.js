// The clerk's case page, its read-only blocks: the party's supplementary letters, where a forwarded case came
// from or went (art. 65 KPA) with a received case's own documents, and the file in the archive (JRWA).
import { api } from "./api.js";
import { date, dateTime, downloadLink, errorNotice, h } from "./ui.js";

// A stored file through the API's short-lived link; `state` says what happened in words.
export function fileButton(label, path, name, state) {
  return h("button", { type: "button", class: "btn secondary", onclick: async () => {
    try { const { data } = await api(path); await downloadLink(data.url, name); state.textContent = `Pobrano: ${name}`; }
    catch (err) { state.replaceChildren(errorNotice(err)); }
  } }, label);
}

// The party's letters answering a summons, each with its UPP and links to the letter and the UPP.
export function supplementsBlock(items, state) {
  if (!items.length) return h("p", {}, "Strona nie złożyła pism uzupełniających.");
  return h("ol", { class: "cards", id: "pisma-uzupelniajace" }, items.map((s) => h("li", {},
    h("h3", {}, `Pismo uzupełniające z ${dateTime(s.received_at)}`),
    h("dl", { class: "summary" },
      h("dt", {}, "UPP"), h("dd", {}, s.receipt_id),
      h("dt", {}, "Odpowiedź na wezwanie"), h("dd", {}, s.answered_summons ? "tak"
        : "nie (sprawa nie czekała już na uzupełnienie; pismo dołączono do akt)")),
    h("p", {}, fileButton("Pobierz pismo uzupełniające (XML)", s.links.document, `pismo-${s.receipt_id}.xml`, state), " ",
      fileButton("Pobierz UPP pisma", s.links.upp, `${s.receipt_id}.xml`, state), " ",
      h("a", { href: `urzednik.html?id=${encodeURIComponent(s.submission_id)}` }, `Pismo ${s.receipt_id}: podpis i uwagi`)))));
}

const DOCUMENT = { document: "Pobierz wniosek (XML)", upp: "Pobierz UPP wniosku" };

// A case forwarded here: the sender, its sign, the reason, the party's filing date and the copied documents.
export function receivedBlock(c, base, state) {
  const from = c.forwarded_from;
  if (!from) return null;
  return h("section", { "aria-labelledby": "przekazana-z" },
    h("h2", { id: "przekazana-z" }, "Sprawa przekazana z innego urzędu (art. 65 KPA)"),
    h("dl", { class: "summary", id: "skad" },
      h("dt", {}, "Przekazał"), h("dd", {}, `${from.office} (JST ${from.terc})`),
      h("dt", {}, "Znak sprawy u nadawcy"), h("dd", {}, from.case_sign),
      h("dt", {}, "Przekazano"), h("dd", {}, dateTime(from.forwarded_at)),
      h("dt", {}, "Powód przekazania"), h("dd", {}, from.reason),
      h("dt", {}, "Data złożenia wniosku przez stronę"), h("dd", { id: "data-zlozenia" }, date(c.filed_on))),
    h("p", {}, "Termin załatwienia biegnie od dnia przekazania; data złożenia wniosku jest zachowana (art. 65 § 2 KPA)."),
    h("h3", {}, "Dokumenty przekazanej sprawy"),
    (c.documents || []).length ? h("ul", { id: "dokumenty-sprawy" }, c.documents.map((d) => h("li", {},
      fileButton(DOCUMENT[d.name] || `Pobierz załącznik ${d.filename}`,
        `${base}/documents/${encodeURIComponent(d.name)}`, d.filename, state))))
      : h("p", {}, "Brak dokumentów."));
}

// A case this office sent away: to whom (a JST of the platform, or on paper outside it) and why.
export function forwardedBlock(c) {
  const to = c.forwarded_to;
  if (!to) return null;
  return h("section", { "aria-labelledby": "przekazana-do" },
    h("h2", { id: "przekazana-do" }, "Sprawa przekazana do organu właściwego (art. 65 KPA)"),
    h("dl", { class: "summary", id: "dokad" },
      h("dt", {}, "Przekazano do"), h("dd", {}, to.terc ? `${to.office} (JST ${to.terc})` : to.office),
      h("dt", {}, "Sposób"), h("dd", {}, to.on_paper ? "pismem, poza platformą"
        : "przez platformę: urząd zarejestrował ją pod własnym znakiem, z dokumentami"),
      h("dt", {}, "Powód"), h("dd", {}, to.reason)));
}

// The file in the archive: its JRWA class and category, and once closed, from when B documents may go.
export function archiveBlock(a) {
  return h("dl", { class: "summary", id: "archiwum" },
    h("dt", {}, "Klasa JRWA"), h("dd", {}, a.jrwa ? `${a.jrwa}${a.jrwa_title ? " – " + a.jrwa_title : ""}` : "—"),
    h("dt", {}, "Kategoria archiwalna"), h("dd", {}, a.archival_category
      ? `${a.archival_category}${a.archival_category === "A" ? " (materiały archiwalne, przekazywane do archiwum państwowego)" : ""}`
        + (a.expert_review ? " – przed zniszczeniem ekspertyza archiwum państwowego" : "")
      : "nieznana (klasy nie ma w wykazie platformy)"),
    h("dt", {}, "Zamknięcie sprawy"), h("dd", {}, a.closed_on ? date(a.closed_on) : "sprawa nie jest zamknięta"),
    h("dt", {}, "Akta można zniszczyć od"), h("dd", {}, a.archive_date ? date(a.archive_date)
      : a.archival_category === "A" ? "nigdy (kategoria A)" : "—"));
}
