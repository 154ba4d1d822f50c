// Attachments: a slot from the API, the file POSTed straight to S3 (presigned form) with progress, then the
// screening result (przyjęty / odrzucony with the reason) polled from the API.
import { api, ApiError } from "./api.js";
import { domId } from "./form.js";
import { h } from "./ui.js";

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const GUESS = { pdf: "application/pdf", jpg: "image/jpeg", jpeg: "image/jpeg", png: "image/png", tif: "image/tiff",
  tiff: "image/tiff", xml: "application/xml", odt: "application/vnd.oasis.opendocument.text",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document", txt: "text/plain" };

function postToS3(upload, file, contentType, onProgress) {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    for (const [k, v] of Object.entries(upload.fields)) form.append(k, v);
    form.append("file", new File([file], file.name, { type: contentType }));
    const xhr = new XMLHttpRequest();
    xhr.open("POST", upload.url);
    xhr.upload.addEventListener("progress", (e) => { if (e.lengthComputable) onProgress(e.loaded / e.total); });
    xhr.addEventListener("load", () => (xhr.status < 300 ? resolve() : reject(new Error(`Magazyn plików odrzucił plik (HTTP ${xhr.status}).`))));
    xhr.addEventListener("error", () => reject(new Error("Nie udało się przesłać pliku. Sprawdź połączenie i spróbuj ponownie.")));
    xhr.send(form);
  });
}

export async function uploadFile(terc, service, file, onProgress) {
  const contentType = file.type || GUESS[file.name.split(".").pop().toLowerCase()] || "application/octet-stream";
  const { data: slot } = await api(`/v1/tenants/${terc}/services/${encodeURIComponent(service)}/attachments`,
    { method: "POST", body: { filename: file.name, content_type: contentType, size: file.size } });
  await postToS3(slot.upload, file, contentType, onProgress);
  for (let i = 0; i < 120; i++) {
    const { data } = await api(`/v1/me/attachments/${slot.attachment_id}`);
    if (data.status !== "oczekuje") return data;
    await sleep(1000);
  }
  return { attachment_id: slot.attachment_id, status: "oczekuje", filename: file.name };
}

// The form's file widget: choose a file, watch it go up and be checked; its value is the attachment id.
export function fileNodeFactory(terc, service, accept, onChange) {
  return (hint, path, owner) => {
    const id = domId(path);
    let value, busy = false;
    const input = h("input", { type: "file", id, name: id, accept, "aria-describedby": `${id}-stan ${id}-blad` });
    const bar = h("progress", { max: 100, value: 0, hidden: true, "aria-label": `Przesyłanie: ${hint.label}` });
    const state = h("p", { class: "status", id: `${id}-stan`, role: "status" });
    const slot = h("p", { class: "field-error", id: id + "-blad", hidden: true });
    const box = h("div", { class: "field", id: id + "-pole" }, h("label", { for: id }, hint.label, h("span")),
      hint.help ? h("span", { class: "hint" }, hint.help) : null, slot, input, bar, state);
    const node = { path, hint, id, el: box, children: [], optionalMark: box.querySelector("label span") };
    node.error = (message) => {
      node.message = message || null;
      slot.hidden = !message;
      slot.replaceChildren(...(message ? [h("span", { class: "visually-hidden" }, "Błąd: "), message] : []));
      box.classList.toggle("has-error", Boolean(message));
      if (message) input.setAttribute("aria-invalid", "true"); else input.removeAttribute("aria-invalid");
    };
    function show(att) {
      if (att.status === "przyjety") {
        value = att.attachment_id;
        state.replaceChildren(h("span", { class: "tag ok" }, "Przyjęty"), ` ${att.filename}${att.size ? ` (${Math.ceil(att.size / 1024)} KB)` : ""}`);
        node.error(null);
      } else if (att.status === "odrzucony") {
        value = undefined;
        state.replaceChildren(h("span", { class: "tag bad" }, "Odrzucony"), ` ${att.filename}: ${att.reason || "plik nie przeszedł kontroli"}`);
        node.error(`Plik odrzucony: ${att.reason || "nie przeszedł kontroli"}. Wybierz inny plik.`);
      } else {
        value = att.attachment_id;
        state.replaceChildren(h("span", { class: "tag info" }, "Sprawdzanie"), ` ${att.filename} – plik jest jeszcze sprawdzany.`);
      }
    }
    input.addEventListener("change", async () => {
      const file = input.files[0];
      if (!file) return;
      busy = true;
      value = undefined;
      node.error(null);
      bar.hidden = false;
      bar.value = 0;
      state.textContent = `Przesyłanie pliku ${file.name}…`;
      try {
        show(await uploadFile(terc, service, file, (f) => { bar.value = Math.round(f * 100); }));
      } catch (err) {
        state.textContent = "";
        node.error(err instanceof ApiError && err.details.length ? err.details.map((d) => d.message).join(" ") : err.message);
      } finally {
        busy = false;
        bar.hidden = true;
        onChange();
      }
    });
    node.get = () => value;
    node.set = (v) => {
      value = v || undefined;
      state.textContent = "";
      if (value) api(`/v1/me/attachments/${value}`).then(({ data }) => show(data)).catch(() => { state.textContent = "Załącznik niedostępny – dodaj go ponownie."; value = undefined; });
    };
    node.focus = () => input.focus();
    node.validate = () => {
      if (busy) return "Poczekaj, aż plik zostanie przesłany i sprawdzony.";
      if (node.message && !value) return node.message;
      return !value && owner.isRequired(node) ? `Dodaj plik: ${hint.label}.` : null;
    };
    return node;
  };
}
