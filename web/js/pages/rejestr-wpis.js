// The clerk's register forms: a new entry (by hand, or from a decided case whose application prefills it), a
// change with its reason (If-Match: the version read), the revocation; the entry's history with who, when, what.
import { api, ApiError } from "../api.js";
import { clearErrors, field, showErrors } from "../fields.js";
import { $, dateTime, errorNotice, h, layout, notice, params, requireRole } from "../ui.js";
import { REGISTERS } from "../rejestry-dane.js";

const opts = (o) => Object.entries(o);
const ADDRESS = (p, l) => [[`${p}.street`, `${l}: ulica`], [`${p}.building`, `${l}: numer budynku`],
  [`${p}.postal_code`, `${l}: kod pocztowy`, "text", null, "Format 00-000."], [`${p}.city`, `${l}: miejscowość`]];
const ELEMENTS = { "jezdnia-do-20": "jezdnia do 20% szerokości", "jezdnia-do-50": "jezdnia powyżej 20% do 50%",
  "jezdnia-powyzej-50": "jezdnia powyżej 50% lub zamknięta", chodnik: "chodnik", pobocze: "pobocze", zielen: "pas zieleni",
  "droga-rowerowa": "droga rowerowa", pozostale: "pozostałe elementy" };
// [path in `data`, label, type, options, hint]
const FIELDS = {
  "zezwolenia-alkoholowe": [["number", "Numer zezwolenia"], ["holder.name", "Przedsiębiorca (nazwa)"],
    ["holder.nip", "NIP przedsiębiorcy", "text", null, "10 cyfr."], ["outlet_name", "Nazwa punktu sprzedaży"],
    ...ADDRESS("outlet_address", "Adres punktu"),
    ["category", "Rodzaj napojów", "select", { A: "A – do 4,5% i piwo", B: "B – powyżej 4,5% do 18% (bez piwa)", C: "C – powyżej 18%" }],
    ["consumption", "Spożycie", "select", { "poza-miejscem": "poza miejscem sprzedaży", "w-miejscu": "w miejscu sprzedaży" }],
    ["valid_from", "Ważne od", "date"], ["valid_to", "Ważne do", "date"]],
  "zajecie-pasa-drogowego": [["holder.name", "Zajmujący pas (nazwa lub imię i nazwisko)"], ["holder.nip", "NIP", "text", null, "Dla przedsiębiorcy."],
    ["holder.natural_person", "Osoba fizyczna nieprowadząca działalności (nazwisko nie będzie publikowane)", "checkbox"],
    ["road", "Droga"], ["section", "Odcinek lub miejsce"],
    ["purpose", "Cel zajęcia", "select", { roboty: "prowadzenie robót", urzadzenia: "urządzenia infrastruktury (opłata roczna)", "obiekty-reklamy": "obiekty budowlane i reklamy", inne: "inne zajęcie" }],
    ["areas.0.element", "Zajęty element pasa", "select", ELEMENTS], ["areas.0.area_m2", "Powierzchnia [m²]", "text", null, "Np. 12,5."],
    ["occupied_from", "Zajęcie od", "date"], ["occupied_to", "Zajęcie do", "date"]],
  "ewidencja-zabytkow": [["name", "Nazwa zabytku"], ...ADDRESS("address", "Adres"),
    ["teryt", "Identyfikator miejscowości TERYT (SIMC)", "text", null, "7 cyfr."], ["dating", "Datowanie", "text", null, "Np. 1 poł. XIX w."],
    ["protection.0", "Forma ochrony", "select", { "ewidencja-gminna": "gminna ewidencja zabytków", "rejestr-zabytkow": "rejestr zabytków",
      "park-kulturowy": "park kulturowy", "plan-miejscowy": "ustalenia planu miejscowego", "pomnik-historii": "pomnik historii", "lista-skarbow": "Lista Skarbów Dziedzictwa" }],
    ["description", "Opis", "textarea"]],
};
const idOf = (path) => path.replace(/\./g, "-");

function input(type, options) {
  if (type === "select") return h("select", {}, h("option", { value: "" }, "wybierz"), opts(options).map(([v, t]) => h("option", { value: v }, t)));
  if (type === "textarea") return h("textarea", { rows: "4" });
  return h("input", { type: type || "text", autocomplete: "off" });
}

function put(data, path, value) {
  const keys = path.split(".");
  let at = data;
  keys.slice(0, -1).forEach((k, i) => { at[k] ??= /^\d+$/.test(keys[i + 1]) ? [] : {}; at = at[k]; });
  at[keys.at(-1)] = value;
}

function read(entry, path) { return path.split(".").reduce((v, k) => (v == null ? v : v[k]), entry); }

const ACTIONS = { created: "wpis utworzony", changed: "wpis zmieniony", revoked: "cofnięcie (wykreślenie)", photo: "dodano zdjęcie",
  expired: "wygaśnięcie (upływ terminu ważności)" };
const shownValue = (v) => v === null || v === undefined ? "—" : typeof v === "object" ? JSON.stringify(v) : String(v);

function historyView(items, labels, state) {
  return h("section", { "aria-labelledby": "historia-tytul" }, h("h2", { id: "historia-tytul" }, "Historia zmian"),
    h("ol", { id: "historia" }, items.map((c) => h("li", {}, h("strong", {}, `${dateTime(c.at)} – ${ACTIONS[c.action] || c.action} (${c.by_name || c.by})`),
      c.reason ? `. Powód: ${c.reason}` : "", c.changes.length ? h("ul", {}, c.changes.map((d) =>
        h("li", {}, d.field === "status" ? `Stan: ${d.before ? state(d.before) : "—"} → ${state(d.after)}`
          : `${labels[d.field] || d.field}: ${shownValue(d.before)} → ${shownValue(d.after)}`))) : null))));
}

async function main() {
  const c = await layout();
  const root = $("#strona");
  if (!requireRole(c, ["clerk"], root)) return;
  const p = params();
  const register = p.get("rejestr");
  if (!register || !REGISTERS[register]) {
    root.replaceChildren(h("p", {}, "Wybierz rejestr:"), h("ul", { id: "rejestry" }, opts(REGISTERS).map(([k, r]) =>
      h("li", {}, h("a", { href: `rejestr-wpis.html?rejestr=${k}` }, r.label)))));
    return;
  }
  const base = `/v1/tenants/${c.terc}/registers/${register}`;
  const labels = { address: "Adres", outlet_address: "Adres punktu", holder: "Posiadacz", areas: "Zajęte elementy", photo: "Zdjęcie",
    ...Object.fromEntries(FIELDS[register].map(([path, label]) => [path.replace(/\.0$/, ""), label])) };
  const state = (code) => REGISTERS[register].statuses[code] || code;
  const F = {};
  for (const [path, label, type, options, hint] of FIELDS[register]) {
    const made = field(idOf(path), label, input(type, options), hint);
    made.path = path; made.type = type;
    F[path] = made;
  }
  const entryId = p.get("wpis");
  let version = null;
  const errors = h("div", { id: "bledy-miejsce" });
  const result = h("div", { id: "wynik", tabindex: "-1" });
  const extra = {};
  if (entryId) extra.reason = field("powod", "Powód zmiany", h("input", { type: "text" }), "Zapisywany w historii wpisu.");
  else extra.case_id = field("sprawa", "Załatwiona sprawa (identyfikator, opcjonalnie)", h("input", { type: "text", spellcheck: "false" }),
    "Dane wniosku wypełnią wpis; pola poniżej je uzupełniają lub zmieniają.");
  const all = { ...F, ...extra };
  const submit = h("button", { type: "submit", class: "btn" }, entryId ? "Zapisz zmianę" : "Dodaj wpis");
  const form = h("form", { novalidate: true, id: "formularz" }, errors, ...Object.values(extra).map((f) => f.box),
    ...Object.values(F).map((f) => f.box), submit);

  function shown(view) {
    version = view.entry.version;
    const fee = view.entry.fee;
    result.replaceChildren(notice("ok", h("p", {}, h("strong", {}, "Zapisano wpis. "), `Stan: ${state(view.entry.status)}. `,
      fee ? `Opłata: ${(fee.amount / 100).toFixed(2).replace(".", ",")} zł (${fee.basis}).` : "")),
    h("p", {}, h("a", { href: `rejestr-wpis.html?rejestr=${register}&wpis=${view.entry.entry_id}` }, "Otwórz wpis do zmiany")),
    historyView(view.history, labels, state));
  }

  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    clearErrors(all, errors);
    const data = {};
    for (const f of Object.values(F)) {
      if (f.type === "checkbox") { if (f.input.checked) put(data, f.path, true); continue; }
      const value = f.input.value.trim();
      if (value) put(data, f.path, f.path.startsWith("areas") && f.path.endsWith("area_m2") ? value.replace(",", ".") : value);
    }
    const body = { data };
    if (extra.case_id?.input.value.trim()) body.case_id = extra.case_id.input.value.trim();
    if (extra.reason) body.reason = extra.reason.input.value.trim() || null;
    submit.disabled = true;
    try {
      const { data: view } = await api(entryId ? `${base}/${entryId}` : base, { method: entryId ? "PUT" : "POST", body,
        headers: entryId && version ? { "If-Match": `"${version}"` } : {} });
      shown(view);
      result.focus();
    } catch (err) {
      if (err instanceof ApiError && err.status === 422) {
        const byPath = (path) => { const k = path.replace(/^data\./, ""); return all[k] ? k : ({ reason: "reason", case_id: "case_id" })[k] ?? null; };
        showErrors(err.details, all, byPath, errors);
      } else if (err instanceof ApiError && err.status === 409) {
        errors.replaceChildren(notice("bad", h("p", {}, h("strong", {}, "Nie zapisano: "), err.message)));
      } else errors.replaceChildren(errorNotice(err));
    } finally { submit.disabled = false; }
  });

  const parts = [h("h2", {}, REGISTERS[register].label), form, result];
  if (entryId) {
    try {
      const { data: view } = await api(`${base}/${entryId}/history`);
      version = view.entry.version;
      for (const f of Object.values(F)) {
        const value = read(view.entry.data, f.path);
        if (f.type === "checkbox") f.input.checked = value === true; else if (value != null) f.input.value = String(value);
      }
      const reason = field("powod-cofniecia", "Powód cofnięcia (wykreślenia)", h("input", { type: "text" }));
      const revoke = h("form", { novalidate: true, id: "cofniecie", "aria-labelledby": "cofniecie-tytul" },
        h("h2", { id: "cofniecie-tytul" }, "Cofnięcie zezwolenia lub wykreślenie"), reason.box,
        h("button", { type: "submit", class: "btn warning" }, "Cofnij wpis"));
      const revokeErrors = h("div", {});
      revoke.prepend(revokeErrors);
      revoke.addEventListener("submit", async (ev) => {
        ev.preventDefault();
        try {
          const { data: after } = await api(`${base}/${entryId}/revocation`, { method: "POST", body: { reason: reason.input.value.trim() } });
          shown(after); result.focus();
        } catch (err) {
          if (err instanceof ApiError && err.status === 422) showErrors(err.details, { reason }, () => "reason", revokeErrors);
          else revokeErrors.replaceChildren(errorNotice(err));
        }
      });
      parts.push(revoke);
      result.replaceChildren(historyView(view.history, labels, state));
    } catch (err) {
      root.replaceChildren(err instanceof ApiError && err.status === 404 ? notice("warn", h("p", {}, "Nie ma takiego wpisu w rejestrze.")) : errorNotice(err));
      return;
    }
  }
  root.replaceChildren(...parts);
}

main();
