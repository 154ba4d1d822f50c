// Finance of the region: a month's estimate (metering x price list) set against what AWS billed (Cost Explorer),
// per AWS service and, where AWS split the cost by the JST tag, per JST. Differences in words and signs, never
// by colour alone. Locally (no Cost Explorer) the API says the actuals are unavailable, and so does the page.
import { get } from "../api.js";
import { $, errorNotice, h, layout, notice, params, requireRole } from "../ui.js";

const usd = (v) => v === null || v === undefined ? "—" : `${Number(v).toFixed(2).replace(".", ",")} USD`;
const signed = (v) => `${Number(v) > 0 ? "+" : ""}${usd(v)}`;
const ratio = (v) => v === null || v === undefined ? "nie oszacowano" : `${Number(v).toFixed(2).replace(".", ",")}×`;

function lastMonth() {
  const now = new Date();
  const d = new Date(now.getFullYear(), now.getMonth() - 1, 1);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}`;
}

function comparedTable(rows, caption, withTenant) {
  const heads = [...(withTenant ? ["Jednostka (TERC)"] : []), "Usługa AWS", "Szacunek", "Rzeczywisty", "Różnica", "Rzeczywisty / szacunek"];
  return h("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": caption }, h("table", {}, h("caption", {}, caption),
    h("thead", {}, h("tr", {}, heads.map((t) => h("th", { scope: "col" }, t)))),
    h("tbody", {}, rows.map((r) => h("tr", {},
      withTenant ? h("td", {}, r.tenant) : null,
      h("th", { scope: "row" }, r.service), h("td", {}, usd(r.estimate_usd)), h("td", {}, usd(r.actual_usd)),
      h("td", {}, signed(r.difference_usd)), h("td", {}, ratio(r.ratio)))))));
}

function report(r) {
  return [
    h("dl", { class: "summary", id: "podsumowanie" },
      h("dt", {}, "Miesiąc"), h("dd", {}, `${r.month} (${r.final ? "zamknięty przez AWS" : "AWS nie zamknął jeszcze miesiąca: kwoty mogą się zmienić"})`),
      h("dt", {}, "Region AWS"), h("dd", {}, r.region),
      h("dt", {}, "Szacunek razem"), h("dd", {}, usd(r.total.estimate_usd)),
      h("dt", {}, "Rachunek AWS razem"), h("dd", {}, usd(r.total.actual_usd)),
      h("dt", {}, "Różnica"), h("dd", {}, `${signed(r.total.difference_usd)} (${ratio(r.total.ratio)})`),
      h("dt", {}, "Wspólne (bez znacznika JST)"), h("dd", {}, usd(r.shared_actual_usd)),
      h("dt", {}, "Cennik szacunku od"), h("dd", {}, r.prices_valid_from)),
    h("h2", {}, "Według usług AWS (cały region)"),
    comparedTable(r.services, `Usługi AWS: ${r.services.length}`, false),
    h("h2", {}, "Według jednostek (tylko koszty oznaczone znacznikiem JST)"),
    r.tenants.length ? comparedTable(r.tenants, `Koszty przypisane jednostkom: ${r.tenants.length}`, true)
      : h("p", {}, "AWS nie przypisał w tym miesiącu żadnego kosztu jednostce: wszystko jest wspólne."),
  ];
}

async function main() {
  const who = await layout();
  const root = $("#strona");
  if (!requireRole(who, ["finance"], root)) return;
  if (who.terc) {
    root.replaceChildren(notice("warn", h("p", {}, "Porównanie z rachunkiem AWS obejmuje cały region: widzą je tylko finanse regionu.")));
    return;
  }
  const month = h("input", { type: "month", id: "koszty-miesiac", name: "miesiac", value: params().get("miesiac") || lastMonth(),
    required: true, pattern: "[0-9]{4}-[0-9]{2}", "aria-describedby": "koszty-miesiac-podpowiedz" });
  const result = h("div", { id: "wynik", tabindex: "-1", "aria-live": "polite" });

  async function load() {
    history.replaceState(null, "", `?${new URLSearchParams({ miesiac: month.value })}`);
    result.replaceChildren(h("p", { class: "muted" }, "Wczytywanie…"));
    try {
      const r = await get(`/v1/finance/costs/actual?month=${encodeURIComponent(month.value)}`);
      $("#tytul").textContent = `Koszty rzeczywiste AWS a szacunek – ${r.month}`;
      result.replaceChildren(...report(r));
    } catch (err) {
      if (err.code === "actual_costs_unavailable") {
        result.replaceChildren(notice("warn", h("p", {}, h("strong", {}, "Koszty rzeczywiste niedostępne. "), err.message)));
      } else {
        result.replaceChildren(errorNotice(err));
      }
    }
  }

  root.replaceChildren(
    h("p", {}, "Szacunek liczy platforma z pomiaru każdego wywołania i cennika AWS; koszt rzeczywisty pochodzi z rachunku AWS (Cost Explorer, odświeżany przez AWS kilka razy na dobę). Kwoty w USD, walucie rachunku."),
    h("form", { class: "filters", "aria-label": "Wybór miesiąca", onsubmit: (e) => { e.preventDefault(); load(); } },
      h("div", { class: "field" }, h("label", { for: "koszty-miesiac" }, "Miesiąc"), month,
        h("p", { class: "hint", id: "koszty-miesiac-podpowiedz" }, "Np. 2026-11. Najwyżej bieżący miesiąc.")),
      h("div", { class: "field" }, h("button", { class: "btn", type: "submit" }, "Pokaż porównanie"))),
    result);
  await load();
}
main();
