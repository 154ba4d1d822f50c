// The application: the form with live field errors and an error summary, autosaved drafts, attachments,
// submission (or a self-signed document) and at once the UPP.
import { api, ApiError, claims, get } from "../api.js";
import { buildForm } from "../form.js";
import { feeConfirmation, feePanel } from "../oplata.js";
import { fileNodeFactory } from "../upload.js";
import { $, dateTime, downloadLink, errorNotice, h, layout, notice, params, requireRole, saveBlob } from "../ui.js";

const AUTOSAVE_MS = 2000;

function summary(errors, target) {
  const box = h("div", { class: "error-summary", role: "alert", tabindex: "-1", id: "bledy", "aria-labelledby": "bledy-tytul" },
    h("h2", { id: "bledy-tytul" }, "Popraw błędy w formularzu"),
    h("ul", {}, errors.map((e) => h("li", {}, e.node
      ? h("a", { href: "#" + e.node.id, onclick: (ev) => { ev.preventDefault(); e.node.focus(); } }, `${e.node.fullLabel || e.node.hint.label}: ${e.message}`)
      : e.message))));
  target.replaceChildren(box);
  box.focus();
}

function confirmation(root, submission, office) {
  document.title = "Wniosek złożony – e-Urząd";
  $("#tytul").textContent = "Wniosek złożony";
  const state = h("p", { class: "status", role: "status" });
  const uppName = `${submission.receipt_id}.xml`;
  root.replaceChildren(
    h("div", { class: "panel" }, h("h2", {}, "Urząd otrzymał Twój wniosek"),
      h("p", {}, `Numer UPP: ${submission.receipt_id}`), h("p", {}, `Data doręczenia: ${dateTime(submission.delivered_at)}`)),
    h("p", {}, `Urzędowe poświadczenie przedłożenia (UPP) potwierdza, że ${office} otrzymał wniosek „${submission.service_name}”. Zapisz je.`),
    h("button", { type: "button", class: "btn", id: "pobierz-upp", onclick: async () => {
      try { const { data } = await api(submission.links.upp); await downloadLink(data.url, uppName); state.textContent = `Pobrano ${uppName}.`; }
      catch (err) { state.replaceChildren(errorNotice(err)); }
    } }, "Pobierz UPP (XML)"),
    h("button", { type: "button", class: "btn secondary", onclick: async () => {
      try { const { data } = await api(submission.links.document); await downloadLink(data.url, `wniosek-${submission.receipt_id}.xml`); }
      catch (err) { state.replaceChildren(errorNotice(err)); }
    } }, "Pobierz złożony dokument"),
    state,
    feeConfirmation(submission.fee),
    h("p", {}, "Sprawdź podpis urzędu na UPP: ", h("a", { href: "weryfikacja.html" }, "weryfikacja podpisu"), "."),
    h("p", {}, "Znak sprawy i termin załatwienia pojawią się w ", h("a", { href: "moje.html" }, "Moich sprawach"), " po rejestracji wniosku."));
  $("#tresc").focus();
}

async function main() {
  const who = await layout();
  const root = $("#strona");
  if (!requireRole(who, ["resident"], root)) return;
  const p = params();
  let draftId = p.get("szkic");
  let terc = p.get("jst"), service = p.get("usluga"), version = null, draft = null;
  let spec, offer, tenant;
  try {
    if (draftId) {
      draft = await get(`/v1/me/drafts/${encodeURIComponent(draftId)}`);
      ({ terc, service } = draft);
      version = draft.form_version;
    }
    if (!terc || !service) throw new ApiError(404, { error: { message: "Nie wskazano usługi ani urzędu. Wybierz usługę z katalogu." } });
    // One request at a time: a warm function answers each at once, where a burst would wait for new ones.
    spec = await get(`/v1/catalogue/${encodeURIComponent(service)}/form${version ? "?version=" + version : ""}`);
    offer = await get(`/v1/tenants/${terc}/services/${encodeURIComponent(service)}`);
    tenant = await get(`/v1/tenants/${terc}`);
  } catch (err) { root.replaceChildren(errorNotice(err), h("p", {}, h("a", { href: "index.html" }, "Katalog usług"))); return; }
  document.title = `${offer.name} – wniosek – e-Urząd`;
  $("#tytul").textContent = offer.name;

  const errorsBox = h("div");
  const saved = h("p", { class: "status", id: "stan-szkicu", role: "status" });
  const idempotencyKey = "wniosek-" + crypto.randomUUID();
  let timer = null, saving = Promise.resolve();
  const fee = feePanel({ terc, service, version: spec.version, rule: offer.fee_rule, bankAccount: offer.bank_account });
  const ctx = { changed: () => { clearTimeout(timer); timer = setTimeout(save, AUTOSAVE_MS); fee.update(form.get()); } };
  ctx.fileNode = fileNodeFactory(terc, service, (offer.attachments?.types || []).join(","), () => ctx.changed());
  const form = buildForm(spec, ctx);

  function save() {
    clearTimeout(timer);
    saving = saving.then(async () => {
      const body = { data: form.get(), form_version: spec.version };
      try {
        const { data } = draftId
          ? await api(`/v1/me/drafts/${draftId}`, { method: "PUT", body })
          : await api(`/v1/tenants/${terc}/services/${encodeURIComponent(service)}/drafts`, { method: "POST", body });
        draftId = data.draft_id;
        history.replaceState(null, "", `?szkic=${draftId}`);
        saved.textContent = `Szkic zapisany ${dateTime(data.updated_at)}. Możesz wrócić do niego w Moich sprawach.`;
      } catch (err) { saved.textContent = `Nie zapisano szkicu: ${err.message}`; }
    });
    return saving;
  }

  async function submit(ev) {
    ev.preventDefault();
    clearTimeout(timer);
    const errors = form.validate();
    if (errors.length) { summary(errors, errorsBox); return; }
    await saving;
    button.disabled = true;
    try {
      const { data } = await api(`/v1/tenants/${terc}/services/${encodeURIComponent(service)}/submissions`, {
        method: "POST", headers: { "Idempotency-Key": idempotencyKey },
        body: { data: form.get(), form_version: spec.version, ...(draftId && { draft_id: draftId }) } });
      confirmation(root, data, tenant.office_name);
    } catch (err) {
      button.disabled = false;
      if (err.status === 422 && err.details.length) summary(form.serverErrors(err.details), errorsBox);
      else errorsBox.replaceChildren(errorNotice(err));
    }
  }

  const button = h("button", { type: "submit", class: "btn", id: "zloz" }, "Złóż wniosek");
  const signedState = h("div", { role: "status" });
  const signedInput = h("input", { type: "file", id: "podpisany", accept: ".xml,application/xml" });
  const selfSigned = h("details", {}, h("summary", {}, "Chcesz podpisać wniosek samodzielnie (podpis kwalifikowany lub zaufany)?"),
    h("p", {}, "Pobierz dokument z danymi z formularza, podpisz go w swojej aplikacji do podpisu (XAdES) i złóż podpisany plik."),
    h("button", { type: "button", class: "btn secondary", onclick: async () => {
      const errors = form.validate();
      if (errors.length) { summary(errors, errorsBox); return; }
      try {
        const blob = await api(`/v1/tenants/${terc}/services/${encodeURIComponent(service)}/document`,
          { method: "POST", accept: "application/xml", body: { data: form.get(), form_version: spec.version } });
        saveBlob(blob, `wniosek-${service}.xml`);
      } catch (err) {
        if (err.status === 422 && err.details.length) summary(form.serverErrors(err.details), errorsBox);
        else signedState.replaceChildren(errorNotice(err));
      }
    } }, "Pobierz dokument do podpisu"),
    h("div", { class: "field" }, h("label", { for: "podpisany" }, "Podpisany dokument (XML)"), signedInput),
    h("button", { type: "button", class: "btn", onclick: async () => {
      const file = signedInput.files[0];
      if (!file) { signedState.replaceChildren(notice("bad", h("p", {}, "Błąd: wybierz podpisany plik."))); signedInput.focus(); return; }
      try {
        const { data } = await api(`/v1/tenants/${terc}/services/${encodeURIComponent(service)}/submissions`, {
          method: "POST", headers: { "Idempotency-Key": idempotencyKey + "-podpisany", "Content-Type": "application/xml" }, body: file });
        confirmation(root, data, tenant.office_name);
      } catch (err) { signedState.replaceChildren(errorNotice(err)); }
    } }, "Złóż podpisany dokument"), signedState);

  root.replaceChildren(
    h("p", {}, `Urząd: ${tenant.office_name}. Wnioskodawca: ${claims()?.name || claims()?.subject || ""}`),
    errorsBox,
    h("form", { novalidate: true, onsubmit: submit, id: "wniosek", "aria-labelledby": "tytul" }, form.el, fee.el,
      h("div", {}, button, h("button", { type: "button", class: "btn secondary", id: "zapisz", onclick: save }, "Zapisz szkic")), saved),
    selfSigned);
  if (draft) {
    form.set(draft.data);
    saved.textContent = `Wczytano szkic z ${dateTime(draft.updated_at)}.`;
  }
  fee.update(form.get());
}
main();
