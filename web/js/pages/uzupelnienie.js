// The answer to a summons (art. 64 § 2 KPA): the summons (gaps, term), the general letter with its text and
// attachments, sent as it is or signed by the resident, then at once the UPP. The API binds the letter to the
// case (kind "uzupełnienie", the case's sign): those two fields are not asked for.
import { api, get } from "../api.js";
import { buildForm } from "../form.js";
import { fileNodeFactory } from "../upload.js";
import { $, date, dateTime, downloadLink, errorNotice, h, layout, notice, params, requireRole, saveBlob } from "../ui.js";

const LETTER = "pismo-ogolne";
const BOUND = ["rodzaj_pisma", "znak_sprawy"];  // set by the API from the case

function summary(errors, target) {
  const box = h("div", { class: "error-summary", role: "alert", tabindex: "-1", id: "bledy", "aria-labelledby": "bledy-tytul" },
    h("h2", { id: "bledy-tytul" }, "Popraw błędy w piśmie"),
    h("ul", {}, errors.map((e) => h("li", {}, e.node
      ? h("a", { href: "#" + e.node.id, onclick: (ev) => { ev.preventDefault(); e.node.focus(); } }, `${e.node.fullLabel || e.node.hint.label}: ${e.message}`)
      : e.message))));
  target.replaceChildren(box);
  box.focus();
}

const back = () => h("p", {}, h("a", { href: "moje.html", id: "powrot" }, "Wróć do Moich spraw"));

function summonsPanel(found, summons) {
  return h("section", { class: "panel", "aria-labelledby": "wezwanie-tytul" },
    h("h2", { id: "wezwanie-tytul" }, `Wezwanie w sprawie ${found.case_sign}`),
    h("p", {}, `${found.service_name}. Wezwanie z dnia ${date(summons.issued_on)}.`),
    h("p", {}, "Urząd prosi o uzupełnienie:"),
    h("ul", { id: "braki" }, summons.gaps.map((gap) => h("li", {}, gap))),
    h("p", { id: "termin" }, h("strong", {}, `Termin na uzupełnienie: do ${date(summons.term_until)} r.`),
      " Liczy się data doręczenia pisma (data na UPP)."));
}

function confirmation(root, letter, found) {
  document.title = "Odpowiedź złożona – e-Urząd";
  $("#tytul").textContent = "Odpowiedź na wezwanie złożona";
  const state = h("p", { class: "status", role: "status" });
  const uppName = `${letter.receipt_id}.xml`;
  root.replaceChildren(
    h("div", { class: "panel" }, h("h2", {}, "Urząd otrzymał Twoje pismo uzupełniające"),
      h("p", {}, `Sprawa: ${found.case_sign}`), h("p", {}, `Numer UPP: ${letter.receipt_id}`),
      h("p", {}, `Data doręczenia: ${dateTime(letter.delivered_at)}`)),
    h("p", {}, "Urzędowe poświadczenie przedłożenia (UPP) potwierdza datę doręczenia pisma. Zapisz je."),
    h("button", { type: "button", class: "btn", id: "pobierz-upp", onclick: async () => {
      try { const { data } = await api(letter.links.upp); await downloadLink(data.url, uppName); state.textContent = `Pobrano ${uppName}.`; }
      catch (err) { state.replaceChildren(errorNotice(err)); }
    } }, "Pobierz UPP (XML)"),
    state, back());
  $("#tresc").focus();
}

async function main() {
  const who = await layout();
  const root = $("#strona");
  if (!requireRole(who, ["resident"], root)) return;
  const caseId = params().get("sprawa") || "";
  let found, spec, offer;
  try {
    found = await get(`/v1/me/cases/${encodeURIComponent(caseId)}`);
  } catch (err) { root.replaceChildren(errorNotice(err), back()); return; }
  const summons = found.summonses.find((s) => s.open);
  if (!summons) {
    root.replaceChildren(notice("warn", h("p", {}, `W sprawie ${found.case_sign} nie ma wezwania do uzupełnienia, na które można teraz odpowiedzieć.`)), back());
    return;
  }
  try {
    spec = await get(`/v1/catalogue/${LETTER}/form`);
    offer = await get(`/v1/tenants/${found.terc}/services/${LETTER}`);
  } catch (err) { root.replaceChildren(summonsPanel(found, summons), errorNotice(err), back()); return; }
  spec.ui = { ...spec.ui, order: spec.ui.order.filter((name) => !BOUND.includes(name)) };

  const errorsBox = h("div");
  const key = "uzupelnienie-" + crypto.randomUUID();
  const ctx = { changed: () => {} };
  ctx.fileNode = fileNodeFactory(found.terc, LETTER, (offer.attachments?.types || []).join(","), () => ctx.changed());
  const form = buildForm(spec, ctx);
  const path = `/v1/me/cases/${encodeURIComponent(caseId)}/supplements`;

  async function send(body, headers, failed) {
    try {
      const { data } = await api(path, { method: "POST", headers: { "Idempotency-Key": key, ...headers }, body });
      confirmation(root, data, found);
    } catch (err) { failed(err); }
  }

  async function submit(ev) {
    ev.preventDefault();
    const errors = form.validate();
    if (errors.length) { summary(errors, errorsBox); return; }
    button.disabled = true;
    await send({ data: form.get(), form_version: spec.version }, {}, (err) => {
      button.disabled = false;
      if (err.status === 422 && err.details.length) summary(form.serverErrors(err.details), errorsBox);
      else errorsBox.replaceChildren(errorNotice(err));
    });
  }

  const button = h("button", { type: "submit", class: "btn", id: "zloz" }, "Złóż odpowiedź");
  const signedState = h("div", { role: "status" });
  const signedInput = h("input", { type: "file", id: "podpisany", accept: ".xml,application/xml" });
  const selfSigned = h("details", {}, h("summary", {}, "Chcesz podpisać pismo samodzielnie (podpis kwalifikowany lub zaufany)?"),
    h("p", {}, "Pobierz dokument z treścią pisma, podpisz go w swojej aplikacji do podpisu (XAdES) i złóż podpisany plik."),
    h("button", { type: "button", class: "btn secondary", onclick: async () => {
      const errors = form.validate();
      if (errors.length) { summary(errors, errorsBox); return; }
      const data = { ...form.get(), rodzaj_pisma: "uzupelnienie", znak_sprawy: found.case_sign };
      try {
        const blob = await api(`/v1/tenants/${found.terc}/services/${LETTER}/document`,
          { method: "POST", accept: "application/xml", body: { data, form_version: spec.version } });
        saveBlob(blob, `uzupelnienie-${found.case_sign}.xml`);
      } catch (err) { signedState.replaceChildren(errorNotice(err)); }
    } }, "Pobierz dokument do podpisu"),
    h("div", { class: "field" }, h("label", { for: "podpisany" }, "Podpisany dokument (XML)"), signedInput),
    h("button", { type: "button", class: "btn", onclick: async () => {
      const file = signedInput.files[0];
      if (!file) { signedState.replaceChildren(notice("bad", h("p", {}, "Błąd: wybierz podpisany plik."))); signedInput.focus(); return; }
      await send(file, { "Idempotency-Key": key + "-podpisany", "Content-Type": "application/xml" },
        (err) => signedState.replaceChildren(errorNotice(err)));
    } }, "Złóż podpisany dokument"), signedState);

  root.replaceChildren(
    summonsPanel(found, summons),
    h("h2", {}, "Twoje pismo uzupełniające"),
    h("p", {}, "Opisz, co uzupełniasz, i dołącz brakujące dokumenty. Pismo trafi do sprawy jako uzupełnienie."),
    errorsBox,
    h("form", { novalidate: true, onsubmit: submit, id: "uzupelnienie", "aria-labelledby": "tytul" }, form.el, h("div", {}, button)),
    selfSigned, back());
}
main();
