// The fee on the form page: quoted by the API as the resident fills the fields the fee depends on (aria-live),
// and said again on the confirmation. Amounts come in grosze.
import { api } from "./api.js";
import { h } from "./ui.js";

const QUOTE_MS = 400;

// 2 100,00 zł from 210000 grosze (the server writes it the same way)
export function zl(grosze) {
  const whole = String(Math.floor(grosze / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, " ");
  return `${whole},${String(grosze % 100).padStart(2, "0")} zł`;
}

// The fields a rule reads: only a change of one of them asks for a new quote.
function ruleFields(rule) {
  const names = new Set();
  for (const c of [rule, ...(rule.surcharges || [])]) {
    if (c.by) names.add(c.by);
    if (c.times) names.add(c.times);
    for (const k of Object.keys(c.when || {})) names.add(k);
    for (const e of c.exemptions || []) for (const k of Object.keys(e.when)) names.add(k);
  }
  return [...names];
}

function howToPay(online, bankAccount) {
  return online ? "Opłatę zapłacisz online w „Moich sprawach” po złożeniu wniosku."
    : `Urząd nie przyjmuje tej opłaty online: wpłać ją przelewem${bankAccount ? ` na rachunek ${bankAccount}` : ""}.`;
}

// The fee block of the form: `update(data)` after every change; it asks the API only when the fee can change.
export function feePanel({ terc, service, version, rule, bankAccount }) {
  const text = h("p", { id: "oplata-kwota" });
  const how = h("p", { id: "oplata-sposob", class: "muted" });
  const el = h("section", { class: "notice", id: "oplata", "aria-labelledby": "oplata-tytul" },
    h("h2", { id: "oplata-tytul" }, "Opłata"), h("div", { "aria-live": "polite", "aria-atomic": "true" }, text, how));
  if (!rule) { text.textContent = "Usługa jest bezpłatna."; return { el, update() {} }; }
  const fields = ruleFields(rule);
  let last = null, timer = null, asked = 0;
  async function quote(data) {
    const mine = ++asked;
    try {
      const { data: q } = await api(`/v1/tenants/${terc}/services/${encodeURIComponent(service)}/fee`,
        { method: "POST", body: { data, form_version: version } });
      if (mine !== asked) return;  // an older answer arriving late
      text.textContent = q.summary;
      how.textContent = q.fee && q.fee.amount > 0 ? howToPay(q.online, bankAccount) : "";
    } catch (err) {
      if (mine !== asked) return;
      // 422: the fee depends on a choice not made yet; the message names the field
      text.textContent = err.status === 422 && err.details.length ? `Opłata: ${err.details[0].message}` : `Opłata: nie udało się jej obliczyć (${err.message}).`;
      how.textContent = "";
    }
  }
  return {
    el,
    update(all) {
      const data = Object.fromEntries(fields.filter((f) => all[f] !== undefined).map((f) => [f, all[f]]));
      const key = JSON.stringify(data);
      if (key === last) return;
      last = key;
      clearTimeout(timer);
      timer = setTimeout(() => quote(data), QUOTE_MS);
    },
  };
}

// The confirmation's words about the fee the submission owes.
export function feeConfirmation(fee) {
  if (!fee) return null;
  if (fee.amount === 0) return h("p", { id: "oplata-nalezna" }, `Zwolnione z opłaty: ${fee.exemption || fee.title}.`);
  return h("div", { id: "oplata-nalezna" },
    h("p", {}, h("strong", {}, `Należna opłata: ${zl(fee.amount)}`), ` — ${fee.title}.`),
    h("p", {}, fee.online ? ["Możesz ją zapłacić online w ", h("a", { href: "moje.html" }, "Moich sprawach"), " po rejestracji sprawy."]
      : "Urząd nie przyjmuje tej opłaty online: wpłać ją przelewem na rachunek urzędu (podany na stronie usługi)."));
}
