// Finance: a JST's monthly budget for its running costs (in total and per service), the month so far beside it
// with the forecast and the 80 % / 100 % lines (a chart with its table and a summary in words), the alerts raised,
// and the fees paid online beside the running costs. A regional finance officer picks the JST.
import { api, get } from "../api.js";
import { clearErrors, field, showErrors } from "../fields.js";
import { grosze } from "../platnosci.js";
import { $, dateTime, errorNotice, h, layout, notice, params, requireRole } from "../ui.js";
import { barChart } from "../wykres.js";

const KIND = { actual: "koszt dotąd", forecast: "prognoza na miesiąc" };

// Grosze as złoty, sign kept (a difference may be negative): -50 -> "-0,50 zł".
export const zl = (g) => g === null || g === undefined ? "—"
  : `${g < 0 ? "-" : ""}${Math.floor(Math.abs(g) / 100).toLocaleString("pl-PL")},${String(Math.abs(g) % 100).padStart(2, "0")} zł`;
const zlFromGrosze = (v) => zl(Math.round(v * 100));
const scopeName = (s) => s === "razem" ? "Budżet jednostki (razem)" : `Usługa „${s}”`;

function state(percent) {
  if (percent >= 100) return h("span", { class: "tag bad" }, "Przekroczono 100%");
  if (percent >= 80) return h("span", { class: "tag warn" }, "Powyżej 80%");
  return h("span", { class: "tag ok" }, "Poniżej 80%");
}

function thisMonth() {
  return new Intl.DateTimeFormat("sv-SE", { timeZone: "Europe/Warsaw" }).format(new Date()).slice(0, 7);
}

function budgetForm(terc, services, current, onSaved) {
  const amountInput = h("input", { type: "text", inputmode: "decimal", autocomplete: "off",
    value: current ? zl(current.amount).replace(" zł", "").replace(/\s/g, "") : "" });
  const fields = { "budzet-kwota": field("budzet-kwota", "Budżet miesięczny jednostki (zł)", amountInput, "Np. 1500,00. Obowiązuje w każdym miesiącu, dopóki go nie zmienisz.") };
  for (const s of services) {
    const value = current?.services?.[s.id];
    fields[`budzet-usluga-${s.id}`] = field(`budzet-usluga-${s.id}`, `Budżet usługi „${s.name}” (zł, opcjonalnie)`,
      h("input", { type: "text", inputmode: "decimal", autocomplete: "off", value: value ? zl(value).replace(" zł", "").replace(/\s/g, "") : "" }));
  }
  fields["budzet-email"] = field("budzet-email", "Adres e-mail na alerty (opcjonalnie)",
    h("input", { type: "email", autocomplete: "email", value: current?.email || "" }), "Domyślnie adres kontaktowy jednostki.");
  const byPath = (path) => {
    const p = String(path);
    if (p === "amount") return "budzet-kwota";
    if (p === "email") return "budzet-email";
    if (p.startsWith("services.")) return `budzet-usluga-${p.slice(9)}`;
    return null;
  };
  const summary = h("div", {});
  const status = h("p", { role: "status", id: "budzet-stan" });

  async function save(ev) {
    ev.preventDefault();
    status.textContent = "";
    const errors = [];
    const amount = grosze(fields["budzet-kwota"].input.value);
    if (!amount) errors.push({ field: "amount", message: "Podaj kwotę w złotych większą od zera, np. 1500,00." });
    const perService = {};
    for (const s of services) {
      const text = fields[`budzet-usluga-${s.id}`].input.value.trim();
      if (!text) continue;
      const value = grosze(text);
      if (!value) errors.push({ field: `services.${s.id}`, message: "Podaj kwotę w złotych większą od zera albo zostaw puste." });
      else perService[s.id] = value;
    }
    if (errors.length) { showErrors(errors, fields, byPath, summary); return; }
    clearErrors(fields, summary);
    const email = fields["budzet-email"].input.value.trim();
    try {
      const { data } = await api(`/v1/finance/budgets/${terc}`, { method: "PUT",
        body: { amount, services: perService, ...(email ? { email } : {}) } });
      status.textContent = `Zapisano budżet: ${zl(data.budget.amount)} miesięcznie (wersja ${data.budget.version}).`;
      onSaved();
    } catch (err) {
      if (err.status === 422 && err.details.length) showErrors(err.details, fields, (p) => byPath(p) || "budzet-kwota", summary);
      else status.replaceChildren(errorNotice(err));
    }
  }

  return h("form", { id: "budzet-formularz", "aria-labelledby": "budzet-naglowek", novalidate: true, onsubmit: save },
    h("h2", { id: "budzet-naglowek" }, "Budżet miesięczny"), summary,
    Object.values(fields).map((f) => f.box),
    h("button", { class: "btn", type: "submit" }, "Zapisz budżet"), status);
}

function monthSoFar(v) {
  if (!v.budget) return h("section", { "aria-labelledby": "miesiac-naglowek", id: "miesiac" },
    h("h2", { id: "miesiac-naglowek" }, "Miesiąc do dziś"),
    h("p", {}, `Koszt od początku miesiąca: ${zl(v.actual)}, prognoza na cały miesiąc: ${zl(v.forecast)}. Jednostka nie ma jeszcze budżetu: ustaw go powyżej.`));
  const total = v.scopes[0];
  const words = `Do dnia ${v.as_of} (${v.days_elapsed} z ${v.days_in_month} dni) koszt wyniósł ${zl(v.actual)}, ` +
    `czyli ${total.actual_percent}% budżetu ${zl(total.budget)}; prognoza na cały miesiąc: ${zl(v.forecast)} ` +
    `(${total.forecast_percent}% budżetu).`;
  const chart = barChart({
    id: "wykres-miesiac", title: `Koszt narastająco w miesiącu ${v.month} na tle budżetu`,
    categories: v.days.map((d) => d.day.slice(8)), format: zlFromGrosze, summary: words,
    series: [{ name: "Koszt od początku miesiąca", values: v.days.map((d) => d.cumulative / 100) }],
    lines: [{ value: total.budget * 0.8 / 100, label: "80% budżetu" }, { value: total.budget / 100, label: "100% budżetu" }],
  });
  const scopes = h("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": "Budżety i ich wykorzystanie" },
    h("table", { id: "budzety" }, h("caption", {}, `Budżety w miesiącu ${v.month}`),
      h("thead", {}, h("tr", {}, ["Budżet", "Kwota", "Koszt dotąd", "% budżetu", "Prognoza", "% budżetu", "Stan prognozy"].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, v.scopes.map((s) => h("tr", {}, h("th", { scope: "row" }, scopeName(s.scope)), h("td", {}, zl(s.budget)),
        h("td", {}, zl(s.actual)), h("td", {}, `${s.actual_percent}%`), h("td", {}, zl(s.forecast)), h("td", {}, `${s.forecast_percent}%`),
        h("td", {}, state(s.forecast_percent)))))));
  return h("section", { "aria-labelledby": "miesiac-naglowek", id: "miesiac" },
    h("h2", { id: "miesiac-naglowek" }, "Miesiąc do dziś"),
    h("dl", { class: "summary", id: "podsumowanie" },
      h("dt", {}, "Koszt dotąd"), h("dd", {}, `${zl(v.actual)} (${total.actual_percent}% budżetu)`),
      h("dt", {}, "Prognoza na miesiąc"), h("dd", {}, `${zl(v.forecast)} (${total.forecast_percent}% budżetu)`),
      h("dt", {}, "Dni"), h("dd", {}, `${v.days_elapsed} z ${v.days_in_month}`),
      h("dt", {}, "Jak liczymy prognozę"), h("dd", {}, v.method)),
    chart, scopes);
}

function alertsList(v) {
  return h("section", { "aria-labelledby": "alerty-naglowek", id: "alerty" },
    h("h2", { id: "alerty-naglowek" }, "Alerty"),
    v.alerts.length ? h("ul", { class: "alerty" }, v.alerts.map((a) => h("li", {},
      h("strong", {}, `${a.threshold}% – ${KIND[a.kind]}, ${scopeName(a.scope).toLowerCase()}: `), a.message, " ",
      h("span", { class: "hint" }, `(${dateTime(a.at)}; ${a.mailed_at ? `e-mail wysłany do ${a.email}` : "e-mail czeka na wysłanie"})`))))
      : h("p", {}, "Brak alertów w tym miesiącu. Alert przychodzi raz na próg (80% i 100%) dla kosztu dotąd i dla prognozy."));
}

function serviceLabel(id, names) {
  if (id === "wspolne") return "Koszty wspólne regionu (udział)";
  if (id === "-") return "Bez usługi (platforma)";
  return names[id] || id;
}

function feesTable(f, names) {
  const jst = f.tenants[0];
  const cells = (r) => [h("td", {}, String(r.payments)), h("td", {}, zl(r.fees_paid)), h("td", {}, zl(r.refunded)),
    h("td", {}, zl(r.fees_net)), h("td", {}, zl(r.cost)), h("td", {}, zl(r.difference), r.difference < 0 ? " (koszt wyższy niż opłaty)" : "")];
  return h("section", { "aria-labelledby": "oplaty-naglowek", id: "oplaty" },
    h("h2", { id: "oplaty-naglowek" }, "Opłaty a koszty"),
    !jst || !jst.rows.length ? h("p", {}, "Brak opłat i kosztów w tym miesiącu.")
      : h("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": "Opłaty wpłacone a koszty działania" },
        h("table", { id: "oplaty-koszty" }, h("caption", {}, `Opłaty wpłacone online a koszty działania – ${jst.name}, ${f.month}`),
          h("thead", {}, h("tr", {}, ["Usługa", "Wpłaty", "Opłaty wpłacone", "Zwroty", "Opłaty netto", "Koszt działania", "Różnica"].map((t) => h("th", { scope: "col" }, t)))),
          h("tbody", {}, jst.rows.map((r) => h("tr", {}, h("th", { scope: "row" }, serviceLabel(r.service, names)), cells(r)))),
          h("tfoot", {}, h("tr", {}, h("th", { scope: "row" }, "Razem"), cells(jst.totals))))));
}

async function main() {
  const who = await layout();
  const root = $("#strona");
  if (!requireRole(who, ["finance"], root)) return;
  const p = params();
  const jst = h("select", { id: "budzet-jst", name: "jst" });
  if (who.terc) { jst.append(h("option", { value: who.terc }, who.terc)); jst.disabled = true; } else {
    try {
      const tenants = await get("/v1/tenants");
      jst.append(...tenants.items.map((t) => h("option", { value: t.terc }, `${t.name} (${t.terc})`)));
    } catch (err) { root.replaceChildren(errorNotice(err)); return; }
    if (p.get("jst")) jst.value = p.get("jst");
  }
  const month = h("input", { type: "month", id: "budzet-miesiac", name: "miesiac", value: p.get("miesiac") || thisMonth(), required: true });
  const form = h("div", { id: "budzet" });
  const result = h("div", { id: "wynik" });

  // After a save only the month, the alerts and the fees are read again: the form keeps the saved values, the
  // focus and its status line ("Zapisano budżet…"), which a new form would drop.
  async function load(keepForm = false) {
    history.replaceState(null, "", `?${new URLSearchParams({ jst: jst.value, miesiac: month.value })}`);
    result.replaceChildren(h("p", { class: "muted" }, "Wczytywanie…"));
    const terc = jst.value;
    const [services, view, fees] = await Promise.allSettled([get(`/v1/tenants/${terc}/services`),
      get(`/v1/finance/budgets/${terc}?month=${month.value}`), get(`/v1/finance/fees-vs-costs?month=${month.value}&tenant=${terc}`)]);
    const current = view.status === "fulfilled" ? view.value.budget : null;
    const offered = services.status === "fulfilled" ? services.value.items : [];
    if (!keepForm) form.replaceChildren(budgetForm(terc, offered, current, () => load(true)));
    result.replaceChildren(
      view.status === "fulfilled" ? monthSoFar(view.value) : notice("bad", h("p", {}, h("strong", {}, "Nie można pokazać miesiąca: "), view.reason.message)),
      view.status === "fulfilled" ? alertsList(view.value) : "",
      fees.status === "fulfilled" ? feesTable(fees.value, Object.fromEntries(offered.map((s) => [s.id, s.name]))) : notice("bad", h("p", {}, h("strong", {}, "Nie można pokazać opłat i kosztów: "), fees.reason.message)));
  }

  root.replaceChildren(
    h("form", { class: "filters", "aria-label": "Wybór jednostki i miesiąca", onsubmit: (e) => { e.preventDefault(); load(); } },
      h("div", { class: "field" }, h("label", { for: "budzet-jst" }, "Jednostka"), jst),
      h("div", { class: "field" }, h("label", { for: "budzet-miesiac" }, "Miesiąc"), h("span", { class: "hint", id: "budzet-miesiac-podpowiedz" }, "RRRR-MM"), month),
      h("div", { class: "field" }, h("button", { class: "btn", type: "submit" }, "Pokaż"))),
    form, result);
  month.setAttribute("aria-describedby", "budzet-miesiac-podpowiedz");
  await load();
}
main();
