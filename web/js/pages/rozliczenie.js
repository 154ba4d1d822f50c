// Finance: one JST's day reconciled with the payment operator's report: the totals, every mismatch named in
// words (never by colour alone), the matched payments, and the day as CSV for Excel.
import { api, get } from "../api.js";
import { $, errorNotice, h, layout, params, requireRole, saveBlob } from "../ui.js";
import { choices, warsawDay, zl } from "../platnosci.js";

const OUTCOME = {
  zgodne: "Zgodne", brak_w_raporcie: "Brak w raporcie operatora", nieznana_wplata: "Wpłata nieznana w systemie",
  rozna_kwota: "Różna kwota", niepotwierdzona: "Niepotwierdzona w systemie", rozny_zwrot: "Różne zwroty",
};

function linesTable(lines, caption, mismatch) {
  // A wide table scrolls sideways in its own region, which the keyboard can reach (tabindex) and which is named.
  return h("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": caption }, h("table", {}, h("caption", {}, caption),
    h("thead", {}, h("tr", {}, ["Wynik", "Znak sprawy", "Zlecenie", "Transakcja operatora", "Kwota w systemie", "Kwota u operatora", "Prowizja", "Opis"]
      .map((t) => h("th", { scope: "col" }, t)))),
    h("tbody", {}, lines.map((l) => h("tr", { class: mismatch ? "niezgodnosc" : null },
      h("td", {}, h("span", { class: `tag ${mismatch ? "bad" : "ok"}` }, mismatch ? "Niezgodność: " : "", OUTCOME[l.outcome] || l.outcome)),
      h("td", {}, l.case_sign || "—"), h("td", { class: "id" }, l.order_id || "—"), h("td", {}, l.gateway_order_id ?? "—"),
      h("td", {}, zl(l.our_amount)), h("td", {}, zl(l.gateway_amount)), h("td", {}, zl(l.commission)), h("td", {}, l.description))))));
}

function summary(r) {
  const t = r.totals;
  return h("dl", { class: "summary", id: "podsumowanie" },
    h("dt", {}, "Zlecenia otwarte"), h("dd", {}, `${t.orders_opened} na ${zl(t.orders_opened_amount)}`),
    h("dt", {}, "Wpłaty potwierdzone w systemie"), h("dd", {}, `${t.verified} na ${zl(t.verified_amount)}`),
    h("dt", {}, "Wpłaty w raporcie operatora"), h("dd", {}, `${t.gateway_paid} na ${zl(t.gateway_paid_amount)}`),
    h("dt", {}, "Prowizja operatora"), h("dd", {}, zl(t.gateway_commission)),
    h("dt", {}, "Zwroty w systemie / u operatora"), h("dd", {}, `${zl(t.refunded_amount)} / ${zl(t.gateway_returned_amount)}`),
    h("dt", {}, "Niezgodności"), h("dd", {}, r.mismatches.length ? `${r.mismatches.length} – do wyjaśnienia` : "brak"));
}

async function main() {
  const who = await layout();
  const root = $("#strona");
  if (!requireRole(who, ["finance"], root)) return;
  const p = params();
  let jst;
  try { jst = await choices(who, "rozliczenie"); } catch (err) { root.replaceChildren(errorNotice(err)); return; }
  if (p.get("jst") && !who.terc) jst.value = p.get("jst");
  const day = h("input", { type: "date", id: "rozliczenie-dzien", name: "dzien", value: p.get("dzien") || warsawDay(1), required: true });
  const result = h("div", { id: "wynik", tabindex: "-1" });
  const status = h("p", { role: "status", id: "stan-pobierania" });

  async function load() {
    history.replaceState(null, "", `?${new URLSearchParams({ jst: jst.value, dzien: day.value })}`);
    result.replaceChildren(h("p", { class: "muted" }, "Wczytywanie…"));
    try {
      const r = await get(`/v1/tenants/${jst.value}/payments/reconciliation?day=${day.value}`);
      $("#tytul").textContent = `Rozliczenie dnia ${r.day} – JST ${r.terc}`;
      result.replaceChildren(summary(r),
        h("h2", {}, "Niezgodności"),
        r.mismatches.length ? linesTable(r.mismatches, `Niezgodności: ${r.mismatches.length}`, true) : h("p", {}, "Brak niezgodności: system i raport operatora są zgodne."),
        h("h2", {}, "Wpłaty zgodne"),
        r.matched.length ? linesTable(r.matched, `Wpłaty zgodne: ${r.matched.length}`, false) : h("p", {}, "Brak wpłat zgodnych."));
    } catch (err) { result.replaceChildren(errorNotice(err)); }
  }

  async function csv() {
    status.textContent = "Pobieranie pliku CSV…";
    try {
      const blob = await api(`/v1/tenants/${jst.value}/payments/reconciliation?day=${day.value}&format=csv`, { accept: "text/csv" });
      const name = `rozliczenie-${jst.value}-${day.value}.csv`;
      saveBlob(blob, name);
      status.textContent = `Pobrano: ${name}`;
    } catch (err) { status.replaceChildren(errorNotice(err)); }
  }

  root.replaceChildren(
    h("form", { class: "filters", "aria-label": "Wybór dnia rozliczenia", onsubmit: (e) => { e.preventDefault(); load(); } },
      h("div", { class: "field" }, h("label", { for: "rozliczenie-jst" }, "Jednostka"), jst),
      h("div", { class: "field" }, h("label", { for: "rozliczenie-dzien" }, "Dzień"), day),
      h("div", { class: "field" }, h("button", { class: "btn", type: "submit" }, "Pokaż rozliczenie"))),
    h("p", {}, h("button", { class: "btn secondary", type: "button", id: "pobierz-csv", onclick: csv }, "Pobierz CSV (Excel)"),
      " ", h("span", { class: "hint" }, "Średniki, przecinek dziesiętny, UTF-8.")),
    status, result);
  await load();
}
main();
