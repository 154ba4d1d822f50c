// The fee of a case: its block on the resident's case page ("Zapłać teraz" through the payments API to the
// gateway's page and back, then the order's state and, once paid, the sealed proof of payment), the "Zapłać" on
// the list of cases, and the fee on the clerk's case page. The case's fee (amount, status) comes with the case;
// the order's state from GET .../payment.
import { api, get } from "./api.js";
import { date, dateTime, errorNotice, h, notice, saveBlob } from "./ui.js";

export const zloty = (grosze) => `${Math.floor(grosze / 100)},${String(grosze % 100).padStart(2, "0")} zł`;

// A fee paid another way than online, as the clerk recorded it.
export const PAID_HOW = { kasa: "w kasie urzędu", przelew: "przelewem na rachunek urzędu" };

const payPath = (caseId) => `/v1/me/cases/${encodeURIComponent(caseId)}/payment`;

// Opens an attempt at the gateway and goes to its page; the gateway sends the payer back to this page.
async function pay(caseId, state, button) {
  button.disabled = true;
  state.textContent = "Łączenie z bramką płatności…";
  try {
    const { data } = await api(payPath(caseId), { method: "POST", body: { return_url: location.href } });
    location.assign(data.redirect_url);
  } catch (err) {
    button.disabled = false;
    state.replaceChildren(errorNotice(err));
  }
}

export function payButton(caseId, label, state) {
  const button = h("button", { type: "button", class: "btn", onclick: () => pay(caseId, state, button) }, label);
  return button;
}

const expiredNotice = () => notice("warn", h("p", { id: "platnosc-stan" }, h("strong", {}, "Termin płatności minął. "),
  "Urząd wezwie Cię do uiszczenia opłaty w terminie 7 dni (art. 261 § 1 KPA)."));

// The sealed proof of payment (XML with the office's seal), saved under a readable name.
async function saveProof(caseId, state, button) {
  button.disabled = true;
  state.textContent = "Pobieranie potwierdzenia wpłaty…";
  try {
    saveBlob(await api(`${payPath(caseId)}/proof`, { accept: "application/xml" }), `potwierdzenie-wplaty-${caseId}.xml`);
    state.textContent = "Pobrano potwierdzenie wpłaty.";
  } catch (err) { state.replaceChildren(errorNotice(err)); }
  button.disabled = false;
}

function proofButton(caseId, state) {
  const button = h("button", { type: "button", class: "btn secondary", id: "potwierdzenie-wplaty",
    onclick: () => saveProof(caseId, state, button) }, "Pobierz potwierdzenie wpłaty");
  return button;
}

// The order's state in words, and what the resident can do next.
function orderNotice(caseId, order, state) {
  const amount = zloty(order.amount);
  if (order.status === "oplacone" || order.status === "zwrocone") {
    return notice("ok", h("p", { id: "platnosc-stan" }, h("strong", {}, "Opłacono. "),
      `${amount} wpłynęło${order.paid_at ? ` ${dateTime(order.paid_at)}` : ""}.`,
      order.refunded ? ` Zwrócono ${zloty(order.refunded)}.` : ""), order.proof ? h("p", {}, proofButton(caseId, state)) : null);
  }
  if (order.status === "wygasle") return expiredNotice();
  if (order.status === "nieudane") {
    return notice("bad", h("p", { id: "platnosc-stan" }, h("strong", {}, "Płatność nie powiodła się. "),
      `Możesz spróbować ponownie do ${dateTime(order.expires_at)}.`), h("p", {}, payButton(caseId, "Spróbuj ponownie", state)));
  }
  if (order.status === "oczekuje") {
    return notice("info", h("p", { id: "platnosc-stan" }, h("strong", {}, "Płatność w toku. "),
      "Czekamy na potwierdzenie z bramki płatności; odśwież stronę za chwilę."), h("p", {}, payButton(caseId, "Zapłać ponownie", state)));
  }
  return h("div", {}, h("p", { id: "platnosc-stan" }, `Do zapłaty ${amount} do ${dateTime(order.expires_at)}.`),
    h("p", {}, payButton(caseId, "Zapłać teraz", state)));
}

// No order for the case: the JST takes no fees online (the submission says so), or the order is not open yet.
async function noOnlinePayments(c) {
  try {
    const filed = await get(`/v1/me/submissions/${encodeURIComponent(c.submission_id)}`);
    if (!filed.fee || filed.fee.online !== false) return false;
    const profile = await get(`/v1/tenants/${c.terc}`);
    return { account: profile.bank_account };
  } catch { return false; }
}

// The resident's fee block: what is owed and why; while the case waits for it, the order's state and "Zapłać teraz".
export async function feeBlock(c) {
  const fee = c.fee;
  if (!fee) return null;
  const state = h("div", { class: "status", role: "status", "aria-live": "polite" });
  const facts = h("dl", { class: "summary", id: "oplata-dane" },
    h("dt", {}, "Opłata"), h("dd", {}, fee.title),
    h("dt", {}, "Kwota"), h("dd", {}, zloty(fee.amount)),
    h("dt", {}, "Stan opłaty"), h("dd", { id: "oplata-stan" }, fee.status_label),
    fee.legal_basis ? [h("dt", {}, "Podstawa"), h("dd", {}, fee.legal_basis)] : null);
  let order = null;
  let offline = false;
  if (fee.payable || (fee.status === "oplacona" && !fee.paid_how)) {  // paid at the office: no order to ask about
    try { order = await get(payPath(c.case_id)); } catch (err) {
      if (err.status === 404) offline = await noOnlinePayments(c);
      else state.replaceChildren(errorNotice(err));
    }
  }
  const action = fee.paid_how ? notice("ok", h("p", { id: "platnosc-stan" }, h("strong", {}, "Opłacono. "),
      `${zloty(fee.amount)} wpłacono ${PAID_HOW[fee.paid_how]} ${date(fee.paid_at)}.`))
    : fee.status === "nieoplacona" ? expiredNotice()
    : order ? orderNotice(c.case_id, order, state)
    : offline && fee.payable ? h("p", { id: "platnosc-stan" }, "Ten urząd nie przyjmuje opłat online: wpłać opłatę przelewem na "
      + `rachunek urzędu ${offline.account}, podając w tytule znak sprawy ${c.case_sign}.`)
    : fee.payable ? h("p", { id: "platnosc-stan" }, "Zlecenie płatności jest przygotowywane; odśwież stronę za chwilę.") : null;
  return h("section", { "aria-labelledby": "oplata", id: "oplata-blok" }, h("h2", { id: "oplata" }, "Opłata"),
    fee.payable ? h("p", {}, "Urząd rozpatrzy sprawę po zaksięgowaniu opłaty; do tego czasu termin załatwienia sprawy nie biegnie.") : null,
    facts, action, state);
}

// The fee on the clerk's case page: amount, title, state, when paid (and how, if at the office), the order.

export function feeFacts(fee) {
  if (!fee) return null;
  return h("section", { "aria-labelledby": "oplata" }, h("h2", { id: "oplata" }, "Opłata"),
    h("dl", { class: "summary", id: "oplata-dane" },
      h("dt", {}, "Opłata"), h("dd", {}, fee.title),
      h("dt", {}, "Kwota"), h("dd", {}, zloty(fee.amount)),
      h("dt", {}, "Stan opłaty"), h("dd", { id: "oplata-stan" }, fee.status_label),
      fee.paid_at ? [h("dt", {}, "Opłacono"), h("dd", {}, fee.paid_how ? date(fee.paid_at) : dateTime(fee.paid_at))] : null,
      fee.paid_how ? [h("dt", {}, "Sposób wpłaty"), h("dd", { id: "oplata-sposob" }, PAID_HOW[fee.paid_how],
        fee.paid_reference ? ` (${fee.paid_reference})` : "")] : null,
      fee.refunded ? [h("dt", {}, "Zwrócono"), h("dd", {}, zloty(fee.refunded))] : null,
      h("dt", {}, "Zlecenie płatności"), h("dd", {}, fee.order_id)),
    fee.status === "nieoplacona" ? notice("warn", h("p", {}, h("strong", {}, "Opłata nie wpłynęła w terminie. "),
      "Wezwij stronę do jej uiszczenia w terminie 7 dni (art. 261 § 1 KPA).")) : null);
}
