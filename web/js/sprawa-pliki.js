// Files the office adds to a case: the clerk's list (download, audited) and the "Dodaj plik" form (the file goes
// straight to S3 as a scan does, then the API checks it by content and adds it to the case with its title and
// kind, shared with the party or internal); the party's list of what was shared with them.
import { api, ApiError } from "./api.js";
import { clearErrors, field, showErrors } from "./fields.js";
import { dateTime, h } from "./ui.js";
import { fileButton } from "./sprawa-bloki.js";

const TYPES = { pdf: "application/pdf", jpg: "image/jpeg", jpeg: "image/jpeg", png: "image/png" };
export const KIND = { zalacznik: "załącznik", rozstrzygniecie: "rozstrzygnięcie (decyzja, zaświadczenie, pismo)" };
const size = (n) => `${Math.max(1, Math.ceil(n / 1024))} KB`;

async function upload(terc, file) {
  const type = file.type || TYPES[file.name.split(".").pop().toLowerCase()] || "application/octet-stream";
  const { data: slot } = await api(`/v1/tenants/${terc}/scans`, { method: "POST", body: { filename: file.name, content_type: type, size: file.size } });
  const form = new FormData();
  for (const [k, v] of Object.entries(slot.upload.fields)) form.append(k, v);
  form.append("file", new File([file], file.name, { type }));
  const sent = await fetch(slot.upload.url, { method: "POST", body: form });
  if (!sent.ok) throw new Error(`Magazyn plików odrzucił plik ${file.name} (HTTP ${sent.status}).`);
  return slot.scan_id;
}

// The clerk's list of the case's files, each downloadable (the read is recorded in the audit trail).
export function filesBlock(files, base, state) {
  if (!files.length) return h("p", {}, "Urząd nie dodał jeszcze plików do sprawy.");
  return h("ul", { class: "cards", id: "pliki-sprawy" }, files.map((f) => h("li", {},
    h("h3", {}, f.title),
    h("p", { class: "muted" }, `${KIND[f.kind]} · ${f.for_party ? "udostępniony stronie" : "tylko dla urzędu"} · ${dateTime(f.added_at)} · ${f.by}`),
    h("p", {}, fileButton(`Pobierz plik ${f.filename} (${size(f.size)})`, `${base}/files/${f.id}`, f.filename, state)))));
}

// "Dodaj plik": `send(path, body, done)` posts with the case's ETag and returns the API's 422 details, if any.
export function fileForm(terc, send) {
  const errors = h("div");
  const F = {
    file: field("plik", "Plik", h("input", { type: "file", accept: ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png" }), "PDF, JPEG albo PNG, do 20 MiB."),
    title: field("tytul-pliku", "Tytuł", h("input", { type: "text", autocomplete: "off" }), "Np. Decyzja nr 12/2026."),
    kind: field("rodzaj-pliku", "Rodzaj", h("select", {}, Object.entries(KIND).map(([v, t]) => h("option", { value: v }, t)))),
  };
  const share = h("input", { type: "checkbox", id: "dla-strony" });
  const button = h("button", { class: "btn secondary", type: "submit" }, "Dodaj plik");
  const names = { scan_id: "file", file: "file", title: "title", kind: "kind" };
  const byPath = (path) => names[String(path).split(".").pop()] || null;
  const form = h("form", { id: "dodaj-plik", novalidate: true }, errors, F.file.box, F.title.box, F.kind.box,
    h("div", { class: "choice" }, share, h("label", { for: "dla-strony" }, "Udostępnij stronie (zobaczy go i pobierze w e-informacji)")),
    button);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    clearErrors(F, errors);
    const file = F.file.input.files[0];
    const title = F.title.input.value.trim();
    const found = [];
    if (!file) found.push({ field: "file", message: "Wybierz plik." });
    if (!title) found.push({ field: "title", message: "Wpisz tytuł pliku." });
    if (found.length) { showErrors(found, F, byPath, errors); return; }
    button.disabled = true;
    try {
      const scanId = await upload(terc, file);
      const details = await send("files", { scan_id: scanId, title, kind: F.kind.input.value, for_party: share.checked },
        `Dodano plik: ${title}.`);
      if (details) showErrors(details, F, byPath, errors);
    } catch (err) {
      showErrors([{ field: "file", message: err instanceof ApiError && err.details[0] ? err.details[0].message : err.message }], F, byPath, errors);
    } finally { button.disabled = false; }
  });
  return form;
}

// The party's view: the files the office shared, each downloadable.
export function sharedFiles(files, state) {
  if (!files.length) return h("p", {}, "Urząd nie udostępnił jeszcze dokumentów w tej sprawie.");
  return h("ul", { class: "cards", id: "dokumenty-sprawy" }, files.map((f) => h("li", {},
    h("h3", {}, f.title), h("p", { class: "muted" }, `Udostępniono ${dateTime(f.added_at)}`),
    h("p", {}, fileButton(`Pobierz ${f.title} (${size(f.size)})`, f.download, f.filename, state)))));
}
