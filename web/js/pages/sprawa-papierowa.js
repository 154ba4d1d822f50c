// The clerk registers an application that came on paper or by ePUAP outside the platform: the scans go straight to
// S3 (presigned POST), the case gets its sign and the applicant's access code, shown once, with a print view.
import { api, ApiError, get } from "../api.js";
import { clearErrors, field, showErrors } from "../fields.js";
import { $, date, DEADLINE, errorNotice, h, layout, notice, requireRole } from "../ui.js";

const SCAN_TYPES = { pdf: "application/pdf", jpg: "image/jpeg", jpeg: "image/jpeg", png: "image/png" };
const newKey = () => "papier-" + Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
const today = () => new Date().toLocaleDateString("sv-SE");  // YYYY-MM-DD in the clerk's time zone

function postToS3(upload, file, type) {
  const form = new FormData();
  for (const [k, v] of Object.entries(upload.fields)) form.append(k, v);
  form.append("file", new File([file], file.name, { type }));
  return fetch(upload.url, { method: "POST", body: form }).then((r) => {
    if (!r.ok) throw new Error(`Magazyn plików odrzucił skan ${file.name} (HTTP ${r.status}).`);
  });
}

function confirmation(root, answer, tenant) {
  const c = answer.case;
  document.title = `Sprawa ${c.case_sign} – e-Urząd`;
  $("#tytul").textContent = "Sprawa zarejestrowana";
  const lookupUrl = new URL("sprawdz-sprawe.html", location.href).href;
  root.replaceChildren(
    h("div", { class: "notice warn no-print", role: "status" }, h("p", {}, h("strong", {}, "Kod dostępu pokazujemy tylko ten jeden raz. "),
      "Wydrukuj potwierdzenie i przekaż je wnioskodawcy. Po opuszczeniu tej strony kodu nie da się odczytać.")),
    h("section", { class: "confirmation", "aria-labelledby": "potwierdzenie" },
      h("h2", { id: "potwierdzenie" }, `Potwierdzenie rejestracji – ${tenant.office_name}`),
      h("dl", { class: "summary" },
        h("dt", {}, "Znak sprawy"), h("dd", { id: "znak" }, c.case_sign),
        h("dt", {}, "Kod dostępu"), h("dd", {}, h("span", { class: "access-code", id: "kod" }, answer.access_code)),
        h("dt", {}, "Wnioskodawca"), h("dd", {}, c.applicant),
        h("dt", {}, "Sprawa"), h("dd", {}, c.service_name),
        h("dt", {}, "Data wpływu"), h("dd", {}, date(c.received_on)),
        h("dt", {}, "Termin załatwienia"), h("dd", { id: "termin" }, c.due_date ? `${date(c.due_date)} (${DEADLINE[c.deadline_kind] || c.deadline})` : "niezwłocznie"),
        h("dt", {}, "Komórka"), h("dd", {}, c.department)),
      h("p", {}, "Stan sprawy sprawdzisz bez logowania na stronie ", h("strong", {}, lookupUrl),
        ", podając znak sprawy i kod dostępu. Nie przekazuj kodu osobom, które nie powinny znać Twojej sprawy.")),
    h("p", { class: "no-print" },
      h("button", { type: "button", class: "btn", id: "drukuj", onclick: () => window.print() }, "Drukuj potwierdzenie"),
      h("a", { class: "btn secondary", href: "sprawa-papierowa.html" }, "Zarejestruj kolejny wniosek"),
      h("a", { class: "btn secondary", href: "urzednik.html" }, "Wróć do skrzynki")));
  $("#tresc").focus();
}

async function main() {
  const who = await layout();
  const root = $("#strona");
  if (!requireRole(who, ["clerk"], root)) return;
  let tenant, services;
  try {
    tenant = await get(`/v1/tenants/${who.terc}`);
    services = (await get(`/v1/tenants/${who.terc}/services`)).items
      .filter((s) => !who.department || s.department === who.department);
  } catch (err) { root.replaceChildren(errorNotice(err)); return; }
  const select = (options) => h("select", {}, options.map(([v, label]) => h("option", { value: v }, label)));
  const F = {
    service: field("usluga", "Usługa", select([["", "Wybierz usługę"], ...services.map((s) => [s.id, s.name])])),
    channel: field("kanal", "Jak wpłynął wniosek", select([["papier", "na papierze (kancelaria, poczta)"], ["epuap", "przez ePUAP poza platformą"]])),
    received_on: field("data-wplywu", "Data wpływu", h("input", { type: "date", max: today(), value: today() }), "Od tej daty biegnie termin załatwienia sprawy (KPA)."),
    name: field("nazwa", "Imię i nazwisko albo nazwa wnioskodawcy", h("input", { type: "text", autocomplete: "off" })),
    street: field("ulica", "Ulica (nieobowiązkowo)", h("input", { type: "text", autocomplete: "off" })),
    building: field("budynek", "Numer budynku", h("input", { type: "text", autocomplete: "off" })),
    flat: field("lokal", "Numer lokalu (nieobowiązkowo)", h("input", { type: "text", autocomplete: "off" })),
    postal_code: field("kod-pocztowy", "Kod pocztowy", h("input", { type: "text", autocomplete: "off", inputmode: "numeric" }), "Na przykład 05-500."),
    city: field("miejscowosc", "Miejscowość", h("input", { type: "text", autocomplete: "off" })),
    pesel: field("pesel", "PESEL (nieobowiązkowo)", h("input", { type: "text", autocomplete: "off", inputmode: "numeric" })),
    nip: field("nip", "NIP (nieobowiązkowo)", h("input", { type: "text", autocomplete: "off", inputmode: "numeric" })),
    email: field("email", "Adres e-mail (nieobowiązkowo)", h("input", { type: "email", autocomplete: "off" }),
      "Wyślemy na niego znak sprawy, termin i zmiany w sprawie. Kodu dostępu nie wysyłamy."),
    edelivery_address: field("ade", "Adres do doręczeń elektronicznych (nieobowiązkowo)", h("input", { type: "text", autocomplete: "off" }),
      "Podany we wniosku, format AE:PL-00000-00000-AAAAA-00. Na niego urząd doręczy pisma w sprawie (inaczej pocztą)."),
    scans: field("skany", "Skany wniosku", h("input", { type: "file", multiple: true, accept: ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png" }),
      "PDF, JPEG albo PNG, do 20 MB każdy, najwyżej 10 plików."),
  };
  const scanState = h("p", { class: "status", id: "skany-stan", role: "status" });
  F.scans.box.append(scanState);
  let scanIds = [], uploading = null, key = newKey();
  F.scans.input.addEventListener("change", () => {
    const files = [...F.scans.input.files];
    scanIds = [];
    scanState.textContent = files.length ? `Przesyłanie skanów (${files.length})…` : "";
    uploading = (async () => {
      for (const file of files) {
        const type = file.type || SCAN_TYPES[file.name.split(".").pop().toLowerCase()] || "application/octet-stream";
        const { data: slot } = await api(`/v1/tenants/${who.terc}/scans`, { method: "POST", body: { filename: file.name, content_type: type, size: file.size } });
        await postToS3(slot.upload, file, type);
        scanIds.push(slot.scan_id);
      }
      scanState.textContent = files.length ? `Przesłano skany: ${files.map((f) => f.name).join(", ")}. Zostaną sprawdzone przy rejestracji.` : "";
    })().catch((err) => {
      scanIds = [];
      scanState.textContent = "";
      showErrors([{ field: "scans", message: err instanceof ApiError && err.details[0] ? err.details[0].message : err.message }], F, byPath, errors);
    });
  });
  const errors = h("div", { id: "bledy-miejsce" });
  const result = h("div", { id: "wynik" });
  const submit = h("button", { type: "submit", class: "btn" }, "Zarejestruj sprawę");
  const address = h("fieldset", { class: "box" }, h("legend", {}, "Adres wnioskodawcy"),
    F.street.box, F.building.box, F.flat.box, F.postal_code.box, F.city.box);
  const form = h("form", { novalidate: true, "aria-labelledby": "tytul" }, errors,
    F.service.box, F.channel.box, F.received_on.box, F.name.box, address, F.pesel.box, F.nip.box, F.email.box,
    F.edelivery_address.box, F.scans.box, submit, result);
  const byPath = (path) => {
    const leaf = path.replace(/^applicant\.(address\.)?/, "").replace(/\[\d+\]$/, "");
    return F[leaf] ? leaf : null;
  };
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    clearErrors(F, errors);
    result.replaceChildren();
    submit.disabled = true;
    try {
      await uploading;
      const v = (f) => F[f].input.value.trim() || undefined;
      const body = { service: v("service") || "", channel: v("channel"), received_on: v("received_on") || "",
        applicant: { name: v("name") || "", pesel: v("pesel"), nip: v("nip"), email: v("email"),
          edelivery_address: v("edelivery_address"), address: { street: v("street"), building: v("building") || "", flat: v("flat"), postal_code: v("postal_code") || "", city: v("city") || "" } },
        scans: scanIds };
      const { data } = await api(`/v1/tenants/${who.terc}/cases`, { method: "POST", body, headers: { "Idempotency-Key": key } });
      key = newKey();
      confirmation(root, data, tenant);
    } catch (err) {
      if (err instanceof ApiError && err.details.length) showErrors(err.details, F, byPath, errors);
      else result.replaceChildren(errorNotice(err));
    } finally { submit.disabled = false; }
  });
  root.replaceChildren(
    h("p", {}, "Zarejestruj wniosek, który wpłynął na papierze albo przez ePUAP poza platformą. Sprawa dostanie znak, termin KPA liczony od daty wpływu, a wnioskodawca – kod dostępu do sprawdzania jej stanu bez konta."),
    who.department ? notice("info", h("p", {}, `Twoja komórka: ${who.department}. Widzisz usługi, które prowadzi.`)) : null,
    form);
}

main();
