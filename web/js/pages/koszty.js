// Finance: what running the platform cost in a month, per JST, e-service or AWS resource, in złoty at the region's
// USD rate, with each JST's share of the shared costs; every figure opens the metered rows behind it; the last six
// months as charts (with their tables); the report as CSV for Excel. A JST's finance sees only its own JST.
import { api, get } from "../api.js";
import { $, errorNotice, h, layout, params, requireRole, saveBlob } from "../ui.js";
import { barChart } from "../wykres.js";

const GROUP = { tenant: "JST", service: "Usługa", resource: "Zasób" };
const zl = (text) => text === null || text === undefined ? "—" : `${String(text).replace(".", ",")} zł`;
const zlNumber = (v) => `${v.toFixed(2).replace(".", ",")} zł`;
// "1 wiersz", "2 wiersze", "5 wierszy": Polish plural forms.
const rowsWord = (n) => n === 1 ? "wiersz" : [2, 3, 4].includes(n % 10) && ![12, 13, 14].includes(n % 100) ? "wiersze" : "wierszy";
const count = (v) => v === null || v === undefined ? "—" : v.toLocaleString("pl-PL");

export function warsawMonth() {
  return new Intl.DateTimeFormat("sv-SE", { timeZone: "Europe/Warsaw" }).format(new Date()).slice(0, 7);
}

function monthsUpTo(month, n) {
  const [y, m] = month.split("-").map(Number);
  return Array.from({ length: n }, (_, i) => {
    const d = new Date(Date.UTC(y, m - 1 - (n - 1 - i), 1));
    return d.toISOString().slice(0, 7);
  });
}

function query(q) {
  return new URLSearchParams(Object.entries(q).filter(([, v]) => v)).toString();
}

function summary(r) {
  return h("dl", { class: "summary", id: "podsumowanie" },
    h("dt", {}, "Razem w miesiącu"), h("dd", {}, zl(r.totals.total_pln)),
    r.through ? [h("dt", {}, "Zestawienie miesięczne"), h("dd", { id: "stan-na" }, `Stan na koniec dnia ${r.through}`)] : null,
    h("dt", {}, "Zużycie"), h("dd", {}, `${zl(r.totals.usage_pln)} (AWS: ${r.totals.usage_usd} USD)`),
    h("dt", {}, r.gateway.label), h("dd", { id: "prowizja" },
      `${zl(r.gateway.pln)} od ${count(r.gateway.payments)} ${r.gateway.payments === 1 ? "wpłaty" : "wpłat"} online (wliczona do zużycia)`, h("br"), h("span", { class: "hint" }, r.gateway.note)),
    h("dt", {}, "Koszty wspólne"), h("dd", {}, `${zl(r.totals.shared_pln)} – podział ${r.allocation.label}`),
    h("dt", {}, "Kurs USD→PLN"), h("dd", {}, `${r.rate.pln_per_usd.replace(".", ",")} z ${r.rate.month} (${r.rate.source})`),
    h("dt", {}, "Cennik AWS"), h("dd", {}, `${r.prices.region}, ważny od ${r.prices.valid_from} (USD)`));
}

function notes(r) {
  const texts = [r.rate.note, r.allocation.note].filter(Boolean);
  return texts.length ? h("div", { class: "notice warn", role: "status" }, texts.map((t) => h("p", {}, t))) : null;
}

function reportTable(r, drill) {
  const label = GROUP[r.group_by];
  return h("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": "Koszty miesiąca" },
    h("table", { id: "raport" }, h("caption", {}, `Koszty ${r.month} według: ${label}`),
      h("thead", {}, h("tr", {}, [label, "Zużycie", "Udział w kosztach wspólnych", "Razem", "Żądania AWS", "Wywołania", "Szczegóły"]
        .map((t, i) => h("th", { scope: "col", class: i >= 1 && i <= 3 ? "kwota" : null }, t)))),
      h("tbody", {}, r.groups.map((g) => h("tr", {},
        h("th", { scope: "row" }, g.name === g.key ? g.key : `${g.name} (${g.key})`),
        h("td", { class: "kwota" }, zl(g.usage_pln)), h("td", { class: "kwota" }, zl(g.shared_pln)),
        h("td", { class: "kwota" }, zl(g.total_pln)), h("td", {}, count(g.aws_requests)), h("td", {}, count(g.invocations)),
        h("td", {}, g.rows_query ? h("button", { type: "button", class: "btn secondary", "aria-label": `Wiersze pomiaru: ${g.name}`,
          onclick: () => drill(g.rows_query, g.name) }, "Wiersze pomiaru") : "—")))),
      h("tfoot", {}, h("tr", {}, h("th", { scope: "row" }, "Razem"), h("td", { class: "kwota" }, zl(r.totals.usage_pln)),
        h("td", { class: "kwota" }, zl(r.totals.shared_pln)), h("td", { class: "kwota" }, zl(r.totals.total_pln)),
        h("td", {}, count(r.totals.aws_requests)), h("td", {}, count(r.totals.invocations)), h("td", {})))));
}

function sharedBlock(r, drill) {
  const s = r.shared;
  const ru = s.region_usage;
  return h("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": "Koszty wspólne regionu" },
    h("table", { id: "wspolne" }, h("caption", {}, `Koszty wspólne regionu: ${zl(s.pln)}`),
      h("thead", {}, h("tr", {}, ["Pozycja", "Ilość", "USD", "Kwota"].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, s.items.map((i) => h("tr", {}, h("th", { scope: "row" }, i.name, i.note ? h("br") : null, i.note ? h("span", { class: "hint" }, i.note) : null),
        h("td", {}, `${i.quantity} ${i.unit}`), h("td", {}, i.usd), h("td", { class: "kwota" }, zl(i.pln)))),
        h("tr", {}, h("th", { scope: "row" }, "Praca wykonana dla całego regionu (np. wyszukiwarka usług)"),
          h("td", {}, `${count(ru.invocations)} wywołań`), h("td", {}, ru.usd), h("td", { class: "kwota" },
            zl(ru.pln), " ", ru.rows_query ? h("button", { type: "button", class: "btn secondary", "aria-label": "Wiersze pomiaru: praca dla regionu",
              onclick: () => drill(ru.rows_query, "praca dla regionu") }, "Wiersze pomiaru") : null)))));
}

function rowsTable(d, title) {
  return h("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": title },
    h("table", { id: "wiersze" }, h("caption", {}, title),
      h("thead", {}, h("tr", {}, ["Dzień", "JST", "Moduł", "Usługa", "Funkcja", "Wywołania", "Żądania AWS", "Koszt (USD)", "Koszt"]
        .map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, d.rows.map((row) => h("tr", {}, h("td", {}, row.day), h("td", {}, row.tenant), h("td", {}, row.module),
        h("td", {}, row.service), h("td", {}, row.function), h("td", {}, count(row.invocations)),
        h("td", {}, count(row.aws_requests)), h("td", {}, row.usd), h("td", { class: "kwota" }, zl(row.pln))))),
      h("tfoot", {}, h("tr", {}, h("th", { scope: "row", colspan: "7" }, "Suma"), h("td", {}, d.total.usd),
        h("td", { class: "kwota" }, zl(d.total.pln))))));
}

// The six months up to the chosen one: one series per JST (or service); the five largest, the rest together.
async function trend(month, tenant, groupBy) {
  const months = monthsUpTo(month, 6);
  const byKey = new Map();
  for (const [c, m] of months.entries()) {
    let r;
    try { r = await get(`/v1/finance/costs?${query({ month: m, tenant, group_by: groupBy })}`); } catch { continue; }
    for (const g of r.groups) {
      if (!byKey.has(g.key)) byKey.set(g.key, { name: g.name, values: months.map(() => 0) });
      byKey.get(g.key).values[c] = Number(g.total_pln);
    }
  }
  const all = [...byKey.values()].sort((a, b) => b.values.reduce((x, v) => x + v, 0) - a.values.reduce((x, v) => x + v, 0));
  const series = all.slice(0, 5);
  if (all.length > 5) {
    series.push({ name: "Pozostałe", values: months.map((_, c) => all.slice(5).reduce((x, s) => x + s.values[c], 0)) });
  }
  return { months, series };
}

async function main() {
  const who = await layout();
  const root = $("#strona");
  if (!requireRole(who, ["finance"], root)) return;
  const p = params();
  const jst = h("select", { id: "koszty-jst", name: "jst" });
  if (who.terc) {
    jst.append(h("option", { value: who.terc }, who.terc));
    jst.disabled = true;
  } else {
    try {
      const tenants = await get("/v1/tenants");
      jst.append(h("option", { value: "" }, "Cały region"), ...tenants.items.map((t) => h("option", { value: t.terc }, `${t.name} (${t.terc})`)));
    } catch (err) { root.replaceChildren(errorNotice(err)); return; }
    jst.value = p.get("jst") || "";
  }
  const month = h("input", { type: "month", id: "koszty-miesiac", name: "miesiac", value: p.get("miesiac") || warsawMonth(), required: true });
  const group = h("select", { id: "koszty-grupowanie", name: "grupowanie" },
    Object.entries(GROUP).map(([value, label]) => h("option", { value }, label)));
  group.value = GROUP[p.get("grupowanie")] ? p.get("grupowanie") : "tenant";
  const result = h("div", { id: "wynik", tabindex: "-1" });
  const details = h("div", { id: "szczegoly" });
  const charts = h("div", { id: "wykresy" });
  const status = h("p", { role: "status", id: "stan-pobierania" });
  const tenant = () => jst.value || null;

  async function drill(q, name) {
    const title = `Wiersze pomiaru: ${name}`;
    details.replaceChildren(h("h2", { id: "szczegoly-tytul", tabindex: "-1" }, title), h("p", { class: "muted" }, "Wczytywanie…"));
    try {
      const d = await get(`/v1/finance/costs/rows?${query(q)}`);
      details.replaceChildren(h("h2", { id: "szczegoly-tytul", tabindex: "-1" }, title),
        h("p", {}, `${d.count} ${rowsWord(d.count)} pomiaru, razem ${zl(d.total.pln)} (${d.total.usd} USD)` +
          (d.truncated ? `; pokazano pierwsze ${d.rows.length}.` : ".")),
        d.rows.length ? rowsTable(d, title) : h("p", {}, "Brak wierszy pomiaru."));
    } catch (err) { details.replaceChildren(h("h2", { id: "szczegoly-tytul", tabindex: "-1" }, title), errorNotice(err)); }
    $("#szczegoly-tytul").focus();
  }

  async function drawCharts() {
    charts.replaceChildren(h("h2", { id: "wykresy-tytul" }, "Ostatnie 6 miesięcy"), h("p", { class: "muted" }, "Wczytywanie wykresów…"));
    const perJst = await trend(month.value, tenant(), "tenant");
    const perService = await trend(month.value, tenant(), "service");
    charts.replaceChildren(h("h2", { id: "wykresy-tytul" }, "Ostatnie 6 miesięcy"),
      barChart({ id: "wykres-jst", title: "Koszt miesięcznie według JST", categories: perJst.months, series: perJst.series, format: zlNumber }),
      barChart({ id: "wykres-uslugi", title: "Koszt miesięcznie według usługi", categories: perService.months, series: perService.series, format: zlNumber }));
  }

  async function load() {
    history.replaceState(null, "", `?${query({ jst: tenant(), miesiac: month.value, grupowanie: group.value })}`);
    result.replaceChildren(h("p", { class: "muted" }, "Wczytywanie…"));
    details.replaceChildren();
    try {
      const r = await get(`/v1/finance/costs?${query({ month: month.value, tenant: tenant(), group_by: group.value })}`);
      $("#tytul").textContent = `Koszty platformy ${r.month} – ${r.tenant ? "JST " + r.tenant : "cały region"}`;
      result.replaceChildren(notes(r) || "", summary(r), reportTable(r, drill), h("h2", {}, "Koszty wspólne regionu"), sharedBlock(r, drill));
    } catch (err) { result.replaceChildren(errorNotice(err)); charts.replaceChildren(); return; }
    await drawCharts();
  }

  async function csv() {
    status.textContent = "Pobieranie pliku CSV…";
    try {
      const blob = await api(`/v1/finance/costs?${query({ month: month.value, tenant: tenant(), group_by: group.value, format: "csv" })}`, { accept: "text/csv" });
      const name = `koszty-${tenant() || "region"}-${month.value}-${group.value}.csv`;
      saveBlob(blob, name);
      status.textContent = `Pobrano: ${name}`;
    } catch (err) { status.replaceChildren(errorNotice(err)); }
  }

  root.replaceChildren(
    h("form", { class: "filters", "aria-label": "Wybór miesiąca i jednostki", onsubmit: (e) => { e.preventDefault(); load(); } },
      h("div", { class: "field" }, h("label", { for: "koszty-miesiac" }, "Miesiąc"), month),
      h("div", { class: "field" }, h("label", { for: "koszty-jst" }, "Jednostka"), jst),
      h("div", { class: "field" }, h("label", { for: "koszty-grupowanie" }, "Grupuj według"), group),
      h("div", { class: "field" }, h("button", { class: "btn", type: "submit" }, "Pokaż koszty"))),
    h("p", {}, h("button", { class: "btn secondary", type: "button", id: "pobierz-csv", onclick: csv }, "Pobierz CSV (Excel)"),
      " ", h("span", { class: "hint" }, "Średniki, przecinek dziesiętny, UTF-8.")),
    status, result, details, charts);
  await load();
}
main();
