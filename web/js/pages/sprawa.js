// The clerk's case page: registration facts, state, the KPA clock and its pauses, history, summonses, internal
// notes, the assignment and the allowed changes of state; the party's supplementary letters, an overdue case's
// new date (art. 36), where a forwarded case came from or went (art. 65), the file in the archive (JRWA). Every change is sent with If-Match (the ETag read):
// a 409 (changed meanwhile, a change not allowed, a term not passed yet) is shown in Polish with a way to reload.
import { api, get } from "../api.js";
import { $, date, dateTime, errorNotice, h, layout, notice, params, requireRole } from "../ui.js";
import { assignForm, deadlineForm, feePaymentForm, noteForm, transitionForm } from "../sprawa-formy.js";
import { archiveBlock, fileButton, forwardedBlock, receivedBlock, supplementsBlock } from "../sprawa-bloki.js";
import { fileForm, filesBlock } from "../sprawa-pliki.js";
import { letterForm } from "../sprawa-pisma.js";
import { PAID_HOW, feeFacts, zloty } from "../platnosc.js";
import { deliveriesBlock } from "../sprawa-doreczenia.js";
import { clockText, dueText, extensionsList, isOverdue, overdueTag, pausesTable, stateLabel, stateTag, summonsList } from "../sprawy.js";

const NO_ACCESS = { 403: "Brak dostępu do tej sprawy", 404: "Nie znaleziono sprawy" };

function change(e) {
  if (e.kind === "assignment") return `Przydział: ${e.assignee || "—"}`;
  if (e.kind === "overdue") return `Termin załatwienia upłynął ${date(e.overdue_since)} · strona zawiadomiona (art. 36 KPA)`;
  if (e.kind === "deadline") return `Nowy termin załatwienia: ${date(e.due_date)} · strona zawiadomiona (art. 36 § 1 KPA)`;
  if (e.kind === "forwarded_in") return "Sprawa przyjęta od innego urzędu (art. 65 KPA)";
  const move = e.from && e.from !== e.to ? ` · ${stateLabel(e.from)} → ${stateLabel(e.to)}` : "";
  if (e.kind === "fee_paid") return `Opłata zaksięgowana${e.how ? ` (${PAID_HOW[e.how]})` : ""}: ${zloty(e.amount)}${move} · strona zawiadomiona`;
  if (e.kind === "fee_expired") return "Zlecenie płatności wygasło: opłata nieuiszczona · strona zawiadomiona";
  if (e.kind === "fee_refunded") return `Zwrot opłaty: ${zloty(e.amount)} · strona zawiadomiona`;
  if (e.kind === "delivery") return "Doręczenie pisma (e-Doręczenia albo przesyłka papierowa)";
  const parts = [e.from === e.to || !e.from ? stateLabel(e.to) : `${stateLabel(e.from)} → ${stateLabel(e.to)}`];
  if (e.kind === "supplement") parts.push(`pismo uzupełniające strony, UPP ${e.receipt_id}`);
  if (e.gaps) parts.push(`braki: ${e.gaps.join("; ")}`);
  if (e.term_until) parts.push(`termin na uzupełnienie do ${date(e.term_until)}`);
  if (e.document) parts.push(`dokument: ${e.document}`);
  if (e.file) parts.push(`plik: ${e.file.title}${e.file.for_party ? " (udostępniony stronie)" : " (wewnętrzny)"}`);
  if (e.document_file) parts.push(`rozstrzygnięcie: ${e.document_file.title}`);
  if (e.office) parts.push(`przekazano do: ${e.office}`);
  if (e.due_date) parts.push(`nowy termin załatwienia: ${date(e.due_date)}`);
  if (e.inform_party) parts.push("strona zawiadomiona");
  return parts.join(" · ");
}

function history(entries) {
  if (!entries.length) return h("p", {}, "Sprawa nie była jeszcze zmieniana.");
  return h("div", { class: "table-wrap" }, h("table", {}, h("caption", { class: "visually-hidden" }, "Historia sprawy"),
    h("thead", {}, h("tr", {}, ["Kiedy", "Kto", "Zmiana", "Uzasadnienie"].map((t) => h("th", { scope: "col" }, t)))),
    h("tbody", {}, entries.map((e) => h("tr", {}, h("td", {}, dateTime(e.at)), h("td", {}, e.by_name || e.by),
      h("td", {}, change(e)), h("td", {}, e.reason))))));
}

function notes(items) {
  if (!items.length) return h("p", {}, "Brak notatek.");
  return h("ul", { class: "cards" }, items.map((n) => h("li", {},
    h("p", { class: "muted" }, `${dateTime(n.at)} · ${n.by_name || n.by}`), h("p", {}, n.text))));
}

// The submission's files through the routes the inbox uses: document, UPP, attachments.
async function documents(terc, submissionId, state) {
  const box = h("div", {}, h("p", { class: "muted" }, "Wczytywanie dokumentów…"));
  const link = (label, path, name) => fileButton(label, path, name, state);
  get(`/v1/tenants/${terc}/submissions/${encodeURIComponent(submissionId)}`).then((s) => box.replaceChildren(
    link("Pobierz wniosek (XML)", s.links.document, `wniosek-${s.receipt_id}.xml`),
    link("Pobierz UPP", s.links.upp, `${s.receipt_id}.xml`),
    ...s.attachments.map((a) => link(`Pobierz załącznik ${a.filename}`, a.href, a.filename)),
    h("p", {}, h("a", { href: `urzednik.html?id=${encodeURIComponent(submissionId)}` }, "Wniosek: podpis, uwagi i UPP")))).catch((err) => box.replaceChildren(errorNotice(err)));
  return box;
}

function conflict(err, reload) {
  const allowed = err.code === "transition_not_allowed" ? err.details.map((d) => stateLabel(d.code)) : [];
  return notice("bad", h("p", {}, h("strong", {}, err.status === 409 ? "Nie zapisano zmiany. " : "Błąd: "), err.message),
    allowed.length ? h("p", {}, `Dozwolone teraz: ${allowed.join(", ")}.`) : null,
    allowed.length === 0 && err.code === "transition_not_allowed" ? h("p", {}, "Sprawy nie można już przenieść do innego stanu.") : null,
    err.status === 409 || err.status === 403
      ? h("button", { type: "button", class: "btn secondary", onclick: reload }, "Wczytaj sprawę ponownie") : null);
}

async function main() {
  const who = await layout();
  const root = $("#strona");
  if (!requireRole(who, ["clerk"], root)) return;
  const p = params();
  const terc = p.get("jst") || who.terc;
  const id = p.get("id");
  if (!id || !terc) { root.replaceChildren(notice("warn", h("p", {}, "Wskaż sprawę w adresie strony: ?jst=TERC&id=…"))); return; }
  const base = `/v1/tenants/${terc}/cases/${encodeURIComponent(id)}`;
  const message = h("div", { id: "komunikat", tabindex: "-1" });
  const body = h("div");
  let etag = null;
  let docs = null;
  let tenants = [];
  const fileState = h("p", { class: "status", role: "status" });

  const say = (content) => { message.replaceChildren(content); message.focus(); };
  async function reload() {
    try { const { data, headers } = await api(base); show(data, headers); say(notice("ok", h("p", {}, "Wczytano aktualny stan sprawy."))); }
    catch (err) { say(conflict(err, reload)); }
  }
  // A letter issued: the case again (its new files), then the notice.
  async function issued(letter) {
    try { const { data, headers } = await api(base); show(data, headers); } catch (err) { say(conflict(err, reload)); return; }
    say(notice("ok", h("p", {}, `Wydano pismo: ${letter.title} (${letter.case_sign}). Oryginał z pieczęcią urzędu i jego PDF są w plikach sprawy, udostępnione stronie.`)));
  }
  // One change: with the ETag read; on success the answer is the case as it is now.
  async function send(path, payload, done) {
    try {
      const { data, headers } = await api(`${base}/${path}`, { method: "POST", body: payload, headers: etag ? { "If-Match": etag } : {} });
      show(data, headers);
      say(notice("ok", h("p", {}, done)));
    } catch (err) {
      // a field's refusal (422, or 409 `target_cannot_register` on to_terc) is shown on the field
      if (err.details.some((d) => d.field) && (err.status === 422 || err.code.startsWith("target_"))) {
        return err.status === 409 ? err.details.map((d) => ({ ...d, message: err.message })) : err.details;
      }
      say(conflict(err, reload));
    }
    return null;
  }

  function show(view, headers) {
    etag = headers.get("ETag") || `"${view.version}"`;
    const c = view.case;
    const clock = view.clock;
    const partyAde = c.edelivery_address || (c.applicant_data || {}).edelivery_address || "";  // the party's, from the application
    document.title = `Sprawa ${c.case_sign} – e-Urząd`;
    $("#tytul").textContent = `Sprawa ${c.case_sign}`;
    const mine = c.assignee && c.assignee === who.subject;
    const open = view.allowed.length > 0;
    const late = isOverdue(clock);
    const take = !c.assignee && open ? h("button", { type: "button", class: "btn", id: "przyjmij", onclick: (e) => {
      e.currentTarget.disabled = true; send("assignment", {}, "Przyjęto sprawę do prowadzenia."); } }, "Przyjmij sprawę") : null;
    body.replaceChildren(h("div", {},  // h() leaves out the sections this clerk or state does not get
      h("p", {}, h("a", { href: "urzednik.html" }, "Wróć do skrzynki")),
      h("h2", {}, "Dane sprawy"),
      h("dl", { class: "summary", id: "dane" },
        h("dt", {}, "Stan"), h("dd", { id: "stan" }, stateTag(c.status, view.state_label)),
        h("dt", {}, "Usługa"), h("dd", {}, c.service_name),
        h("dt", {}, "Wnioskodawca"), h("dd", {}, c.applicant || "—"),
        h("dt", {}, "Adres do doręczeń elektronicznych"), h("dd", { id: "ade-strony" }, partyAde || "nie podano (pisma pocztą)"),
        h("dt", {}, "Komórka"), h("dd", {}, c.department),
        h("dt", {}, "Zarejestrowano"), h("dd", {}, dateTime(c.registered_at)),
        h("dt", {}, "Prowadzi"), h("dd", { id: "prowadzi" }, c.assignee ? (mine ? `${c.assignee} (Ty)` : c.assignee) : "nieprzydzielona")),
      h("h2", {}, "Termin załatwienia (KPA)"),
      h("dl", { class: "summary", id: "termin-kpa" },
        h("dt", {}, "Bieg terminu"), h("dd", {}, clockText(clock)),
        h("dt", {}, "Data wpływu"), h("dd", {}, date(clock.started_on)),
        h("dt", {}, "Termin pierwotny"), h("dd", {}, clock.original_due_date ? date(clock.original_due_date) : "bez terminu (niezwłocznie)"),
        h("dt", {}, "Termin obecny"), h("dd", { id: "termin-obecny" }, dueText(clock), late ? [" ", overdueTag(),
          " – termin minął; wyznacz nowy termin i podaj przyczynę zwłoki (art. 36 KPA)"] : null),
        h("dt", {}, "Dni niewliczane"), h("dd", {}, String(clock.paused_days))),
      pausesTable(clock.pauses, "Okresy niewliczane do terminu (art. 35 § 5 KPA)"),
      extensionsList(clock.extensions),
      feeFacts(view.fee),
      // a fee paid at the cash desk or by transfer, recorded here: the case moves on as after an online payment
      c.status === "oczekuje_na_oplate" && ["nalezna", "nieoplacona"].includes(view.fee?.status)
        ? [h("h3", {}, "Zapisz wpłatę w kasie lub przelewem"), feePaymentForm(view.fee, send)] : null,
      // art. 36: a case with a due date (not "niezwłocznie") that is still open
      open && !clock.ended && clock.due_date ? [h("h3", {}, "Wyznacz nowy termin (art. 36 KPA)"), deadlineForm(send)] : null,
      receivedBlock(c, base, fileState), forwardedBlock(c),
      h("h2", {}, "Przydział"),
      h("p", {}, c.assignee ? `Sprawę prowadzi: ${mine ? "Ty" : c.assignee}.` : "Sprawa nie jest jeszcze przydzielona."),
      take, who.head && open ? assignForm(send) : null,
      h("h2", {}, "Zmiana stanu"),
      open ? transitionForm(view.allowed, send, tenants, (c.files || []).filter((f) => f.kind === "rozstrzygniecie" && f.for_party)) : h("p", {}, `Sprawa jest ${view.state_label}: nie można już zmienić jej stanu.`),
      h("h2", {}, "Wezwania do uzupełnienia"), summonsList(view.summonses, (answer) => fileButton("Pobierz UPP odpowiedzi",
        `/v1/tenants/${terc}/submissions/${encodeURIComponent(answer.submission_id)}/upp`, `${answer.receipt_id}.xml`, fileState)),
      h("h2", {}, "Pisma uzupełniające strony"), supplementsBlock(view.supplements || [], fileState),
      h("h2", {}, "Historia sprawy"), history(view.history),
      h("h2", {}, "Notatki wewnętrzne"), notes(view.notes), noteForm(send),
      h("h2", {}, "Pliki sprawy"), filesBlock(c.files || [], base, fileState),
      open && (mine || who.head) ? [h("h3", {}, "Dodaj plik"), fileForm(terc, send)] : null,
      open && (mine || who.head) ? [h("h3", {}, "Wydaj pismo"), letterForm(base, who, issued)] : null,
      h("h2", {}, "Pisma i ich doręczenie"), deliveriesBlock(base, mine || who.head, fileState, partyAde),
      c.forwarded_from ? null : [h("h2", {}, "Dokumenty wniosku"), docs],
      h("h2", {}, "Archiwum (JRWA)"), archiveBlock(view.archive), fileState));
  }

  try {
    const { data, headers } = await api(base);
    // a received case's files are its own copies (the submission is the sender's)
    docs = data.case.forwarded_from ? null : await documents(terc, data.case.submission_id, fileState);
    // where a case may be forwarded: the platform's other JSTs (an office outside it is typed in)
    tenants = await get("/v1/tenants").then((t) => t.items.filter((j) => j.terc !== terc)).catch(() => []);
    root.replaceChildren(message, body);
    show(data, headers);
  } catch (err) {
    if (NO_ACCESS[err.status]) $("#tytul").textContent = NO_ACCESS[err.status];
    root.replaceChildren(errorNotice(err), h("p", {}, h("a", { href: "urzednik.html" }, "Wróć do skrzynki")));
  }
}
main();
