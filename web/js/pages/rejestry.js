// The public registers, without an account: pick the office and the register, search and filter, page through
// (cursor from the API), download the CSV for Excel. The filters live in the address, so a search can be linked.
import { api, ApiError, config, get } from "../api.js";
import { REGISTERS } from "../rejestry-dane.js";
import { $, date, errorNotice, h, layout, notice, params } from "../ui.js";

const KINDS = { A: "A – do 4,5% i piwo", B: "B – powyżej 4,5% do 18%", C: "C – powyżej 18%" };
const PURPOSE = { roboty: "prowadzenie robót", urzadzenia: "urządzenia infrastruktury", "obiekty-reklamy": "obiekty i reklamy", inne: "inne zajęcie" };
const PAGE = 20;

const address = (a) => a ? `${[a.street, a.building].filter(Boolean).join(" ")}, ${a.postal_code} ${a.city}` : "—";
const zl = (grosze) => `${(grosze / 100).toFixed(2).replace(".", ",")} zł`;

const COLUMNS = {
  "zezwolenia-alkoholowe": [["Numer", (e) => e.data.number], ["Przedsiębiorca", (e) => e.data.holder.name],
    ["Punkt sprzedaży", (e) => [e.data.outlet_name, address(e.data.outlet_address)].filter(Boolean).join(", ")],
    ["Rodzaj", (e) => KINDS[e.data.category]], ["Ważne", (e) => `${date(e.data.valid_from)} – ${date(e.data.valid_to)}`],
    ["Stan", (e) => e.status_label]],
  "zajecie-pasa-drogowego": [["Zajmujący", (e) => e.data.holder.name], ["Droga i odcinek", (e) => `${e.data.road}, ${e.data.section}`],
    ["Cel", (e) => PURPOSE[e.data.purpose]], ["Okres", (e) => `${date(e.data.occupied_from)} – ${date(e.data.occupied_to)}`],
    ["Opłata", (e) => e.fee ? zl(e.fee.amount) : "—"], ["Stan", (e) => e.status_label]],
  "ewidencja-zabytkow": [["Nazwa", (e) => e.data.name], ["Adres", (e) => address(e.data.address)],
    ["Datowanie", (e) => e.data.dating], ["Zdjęcie", (e) => e.photo ? h("button", { type: "button", class: "btn secondary", onclick: async () => {
      const { data } = await api(e.photo); location.assign(data.url); } }, `Zdjęcie: ${e.data.name}`) : "brak"],
    ["Stan", (e) => e.status_label]],
};

function select(id, label, options, value) {
  const input = h("select", { id, name: id }, options.map(([v, text]) => h("option", { value: v, selected: v === value }, text)));
  return { box: h("div", { class: "field" }, h("label", { for: id }, label), input), input };
}

function table(register, items) {
  const cols = COLUMNS[register];
  return h("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": "Wpisy rejestru" },
    h("table", { id: "wpisy" }, h("caption", { class: "visually-hidden" }, REGISTERS[register].label),
      h("thead", {}, h("tr", {}, cols.map(([name]) => h("th", { scope: "col" }, name)))),
      h("tbody", {}, items.map((e) => h("tr", {}, cols.map(([, cell]) => h("td", {}, cell(e))))))));
}

async function main() {
  await layout();
  const root = $("#strona");
  const p = params();
  let tenants;
  try { tenants = await get("/v1/tenants"); } catch (err) { root.replaceChildren(errorNotice(err)); return; }
  const list = tenants.items || tenants;
  const jst = select("jst", "Urząd", list.map((t) => [t.terc, t.name]), p.get("jst") || list[0]?.terc);
  const register = select("rejestr", "Rejestr", Object.entries(REGISTERS).map(([k, r]) => [k, r.label]),
    p.get("rejestr") || "zezwolenia-alkoholowe");
  const q = { input: h("input", { id: "szukaj", name: "szukaj", type: "search", value: p.get("q") || "", maxlength: "100",
    "aria-describedby": "szukaj-podpowiedz" }) };
  q.box = h("div", { class: "field" }, h("label", { for: "szukaj" }, "Szukaj"),
    h("span", { class: "hint", id: "szukaj-podpowiedz" }, "Numer, nazwa, adres, droga…"), q.input);
  const status = select("stan", "Stan wpisu", [], "");
  const fillStatuses = () => status.input.replaceChildren(h("option", { value: "" }, "wszystkie"),
    ...Object.entries(REGISTERS[register.input.value].statuses).map(([v, t]) => h("option", { value: v, selected: v === p.get("stan") }, t)));
  fillStatuses();
  register.input.addEventListener("change", fillStatuses);
  const result = h("div", { id: "wynik", tabindex: "-1", "aria-live": "polite" });
  const form = h("form", { class: "filters", role: "search", "aria-label": "Szukaj w rejestrze" },
    jst.box, register.box, q.box, status.box, h("div", { class: "field" }, h("button", { type: "submit", class: "btn" }, "Szukaj")));
  const cursors = [];

  async function show(cursor) {
    const query = new URLSearchParams({ limit: String(PAGE) });
    if (q.input.value.trim()) query.set("q", q.input.value.trim());
    if (status.input.value) query.set("status", status.input.value);
    const path = `/v1/tenants/${jst.input.value}/registers/${register.input.value}`;
    history.replaceState(null, "", `?jst=${jst.input.value}&rejestr=${register.input.value}` +
      (query.get("q") ? `&q=${encodeURIComponent(query.get("q"))}` : "") + (query.get("status") ? `&stan=${query.get("status")}` : ""));
    if (cursor) query.set("page", cursor);
    result.replaceChildren(h("p", { role: "status" }, "Wyszukiwanie…"));
    try {
      const { data } = await api(`${path}?${query}`);
      const csv = new URLSearchParams(query); csv.delete("page"); csv.delete("limit"); csv.set("format", "csv");
      const { api: base } = await config();
      const nav = h("p", { class: "pager" },
        cursors.length ? h("button", { type: "button", class: "btn secondary", onclick: () => { cursors.pop(); show(cursors.at(-1)); } }, "Poprzednia strona") : null, " ",
        data.next ? h("button", { type: "button", class: "btn secondary", onclick: () => { cursors.push(data.next); show(data.next); } }, "Następna strona") : null);
      result.replaceChildren(
        h("h2", { id: "wynik-tytul" }, REGISTERS[register.input.value].label),
        data.items.length ? table(register.input.value, data.items)
          : notice("warn", h("p", {}, "Brak wpisów spełniających warunki wyszukiwania.")),
        h("p", { id: "licznik" }, `Wpisów na tej stronie: ${data.count}.`), nav,
        h("p", {}, h("a", { id: "csv", href: `${base}${path}?${csv}`, download: "" }, "Pobierz rejestr jako CSV (Excel)")));
    } catch (err) {
      if (err instanceof ApiError && err.code === "register_not_kept") {
        result.replaceChildren(notice("warn", h("p", {}, h("strong", {}, "Ten urząd nie prowadzi tego rejestru na platformie. "), "Wybierz inny rejestr lub urząd.")));
      } else if (err instanceof ApiError && err.status === 422) {
        result.replaceChildren(notice("bad", h("p", {}, h("strong", {}, "Popraw warunki wyszukiwania: "), err.details.map((d) => d.message).join(" "))));
      } else result.replaceChildren(errorNotice(err));
    }
  }
  form.addEventListener("submit", (ev) => { ev.preventDefault(); cursors.length = 0; show(null).then(() => result.focus()); });
  root.replaceChildren(form, result);
  if (p.get("jst")) show(null);
  else result.replaceChildren(h("p", { id: "podpowiedz-start" }, "Wybierz urząd i rejestr, wpisz szukany tekst (albo zostaw puste pole) i naciśnij „Szukaj”."));
}

main();
