// "Wydaj pismo" on the clerk's case page: the kind, its parts (the fields of the kind's template on the server),
// who signs; a preview (the letter's text here, and its PDF to open), then the issue: sealed by the office, it
// joins the case's files shared with the party. One Idempotency-Key per letter: a repeated click or a retry
// after a lost answer gives the same letter, never a second one.
import { api, ApiError } from "./api.js";
import { clearErrors, field, showErrors } from "./fields.js";
import { h } from "./ui.js";

const text = (label, hint) => ({ type: "text", label, hint });
const KINDS = {
  decyzja: { name: "Decyzja", fields: {
    podstawa_prawna: text("Podstawa prawna", "Przepisy prawa materialnego, np. art. 83 ust. 1 ustawy o ochronie przyrody."),
    rozstrzygniecie: text("Rozstrzygnięcie"),
    uzasadnienie: text("Uzasadnienie faktyczne i prawne", "Można pominąć tylko przy decyzji uwzględniającej żądanie strony w całości."),
    uwzglednia_w_calosci: { type: "flag", label: "Decyzja uwzględnia w całości żądanie strony (art. 107 § 4 KPA)" },
    organ_odwolawczy: { type: "choice", label: "Organ odwoławczy", choices: { sko: "Samorządowe kolegium odwoławcze (zadania własne)", wojewoda: "Wojewoda (zadania zlecone)" } } } },
  zaswiadczenie: { name: "Zaświadczenie (art. 217 KPA)", fields: {
    podstawa_prawna: text("Przepis wymagający potwierdzenia albo interes prawny strony"),
    tresc: text("Potwierdzane fakty albo stan prawny"), cel: text("Cel wydania (opcjonalnie)"),
    oplata: text("Opłata skarbowa (opcjonalnie)") } },
  pismo: { name: "Pismo", fields: { temat: text("Dotyczy"), tresc: text("Treść") } },
  wezwanie: { name: "Wezwanie do usunięcia braków (art. 64 § 2 KPA)", fields: {
    braki: { type: "lines", label: "Braki wniosku", hint: "Jeden brak w wierszu." },
    termin_dni: { type: "days", label: "Termin (dni od doręczenia)", hint: "Co najmniej 7 dni." } } },
  zawiadomienie: { name: "Zawiadomienie o niezałatwieniu sprawy w terminie (art. 36 KPA)", fields: {
    przyczyna: text("Przyczyna zwłoki"), nowy_termin: { type: "date", label: "Nowy termin załatwienia sprawy" },
    organ_wyzszy: { type: "choice", label: "Organ wyższego stopnia (ponaglenie)", choices: { sko: "Samorządowe kolegium odwoławcze", wojewoda: "Wojewoda" } } } },
};

function input(name, spec) {
  if (spec.type === "choice") return h("select", {}, Object.entries(spec.choices).map(([v, t]) => h("option", { value: v }, t)));
  if (spec.type === "days") return h("input", { type: "number", min: "7", max: "365", inputmode: "numeric", value: "14" });
  if (spec.type === "date") return h("input", { type: "date" });
  if (spec.type === "flag") return h("input", { type: "checkbox" });
  return h("textarea", { rows: spec.type === "lines" || name === "podstawa_prawna" ? "3" : "5" });
}

function value(spec, el) {
  if (spec.type === "flag") return el.checked;
  if (spec.type === "days") return el.value === "" ? null : Number(el.value);
  if (spec.type === "lines") return el.value.split("\n").map((l) => l.trim()).filter(Boolean);
  return el.value.trim() || null;
}

function previewView(p) {
  const url = URL.createObjectURL(new Blob([Uint8Array.from(atob(p.pdf.data_base64), (c) => c.charCodeAt(0))], { type: "application/pdf" }));
  return h("section", { class: "letter-preview", id: "podglad-pisma", "aria-labelledby": "podglad-tytul", tabindex: "-1" },
    h("h4", { id: "podglad-tytul" }, `Podgląd: ${p.title} (${p.case_sign})`),
    p.parts.map((part) => h("div", {}, part.heading ? h("p", {}, h("strong", {}, part.heading)) : null,
      part.paragraphs.map((t) => h("p", {}, t)))),
    h("p", {}, `${p.signer.name}, ${p.signer.position}`),
    h("p", {}, h("a", { href: url, download: p.pdf.filename }, `Pobierz podgląd PDF (${Math.ceil(p.pdf.size / 1024)} KB)`)));
}

// `who`: the signed-in clerk; `issued(letter)`: reload the case after a letter was issued.
export function letterForm(base, who, issued) {
  const errors = h("div");
  const kind = field("rodzaj-pisma", "Rodzaj pisma", h("select", {}, Object.entries(KINDS).map(([v, k]) => h("option", { value: v }, k.name))));
  const parts = h("div", { id: "czesci-pisma" });
  const position = field("stanowisko", "Stanowisko podpisującego", h("input", { type: "text", autocomplete: "organization-title" }), "Np. Kierownik Wydziału Ochrony Środowiska.");
  const signer = who.name ? null : field("podpisujacy", "Imię i nazwisko podpisującego", h("input", { type: "text", autocomplete: "name" }));
  const shown = h("div");
  let F = {};
  let key = crypto.randomUUID();
  function draw() {
    const spec = KINDS[kind.input.value];
    F = Object.fromEntries(Object.entries(spec.fields).map(([name, f]) => [name,
      f.type === "flag" ? { ...field(`pismo-${name}`, f.label, input(name, f), f.hint), flag: true } : field(`pismo-${name}`, f.label, input(name, f), f.hint)]));
    for (const f of Object.values(F)) if (f.flag) f.box.classList.add("choice");
    parts.replaceChildren(...Object.values(F).map((f) => f.box));
    shown.replaceChildren();
  }
  kind.input.addEventListener("change", () => { draw(); key = crypto.randomUUID(); });
  const all = () => ({ ...F, kind, position, ...(signer ? { signer } : {}) });
  const byPath = (path) => {
    const p = String(path);
    if (p.startsWith("fields.")) return p.slice(7);
    return { signer_position: "position", signer_name: "signer", kind: "kind" }[p] || null;
  };
  function body() {
    const spec = KINDS[kind.input.value];
    const fields = {};
    for (const [name, f] of Object.entries(spec.fields)) {
      const v = value(f, F[name].input);
      if (v !== null && !(Array.isArray(v) && !v.length)) fields[name] = v;
    }
    return { kind: kind.input.value, fields, signer_position: position.input.value.trim(),
      ...(signer && signer.input.value.trim() ? { signer_name: signer.input.value.trim() } : {}) };
  }
  async function call(path, headers) {
    clearErrors(all(), errors);
    try { return (await api(`${base}/${path}`, { method: "POST", body: body(), headers })).data; }
    catch (err) {
      const details = err instanceof ApiError && err.details.length ? err.details : [{ field: null, message: err.message }];
      showErrors(details, all(), byPath, errors);
      return null;
    }
  }
  const previewButton = h("button", { class: "btn secondary", type: "button" }, "Podgląd pisma");
  const issueButton = h("button", { class: "btn", type: "submit" }, "Wydaj pismo");
  previewButton.addEventListener("click", async () => {
    previewButton.disabled = true;
    const p = await call("letters/preview", {});
    previewButton.disabled = false;
    if (p) { shown.replaceChildren(previewView(p)); shown.firstChild.focus(); }
  });
  const form = h("form", { id: "wydaj-pismo", novalidate: true }, errors, kind.box, parts, position.box, signer ? signer.box : null,
    h("div", { class: "actions" }, previewButton, " ", issueButton), shown);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    issueButton.disabled = true;
    const letter = await call("letters", { "Idempotency-Key": key });
    issueButton.disabled = false;
    if (letter) { key = crypto.randomUUID(); issued(letter); }
  });
  draw();
  return form;
}
