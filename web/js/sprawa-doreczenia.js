// Delivery of the office's letters on the case pages. The clerk: each issued letter's delivery (channel, state,
// dates, the appeal deadline, the evidences to download) or "Wyślij stronie" with a channel choice; on paper the
// print file and the return receipt; a failed send "Wyślij ponownie"; an appeal recorded. The party: each letter's
// state, its delivery date, the appeal deadline and the evidences.
import { api, ApiError, get } from "./api.js";
import { clearErrors, field, showErrors } from "./fields.js";
import { date, errorNotice, h, notice } from "./ui.js";
import { fileButton } from "./sprawa-bloki.js";

function facts(d) {
  return h("dl", { class: "summary" },
    h("dt", {}, "Kanał"), h("dd", {}, d.channel_label),
    h("dt", {}, "Stan"), h("dd", { class: "stan-doreczenia" }, h("strong", {}, d.status_label)),
    d.recipient.ade ? [h("dt", {}, "Adres do doręczeń"), h("dd", {}, d.recipient.ade)] : null,
    d.delivered_on ? [h("dt", {}, "Data doręczenia"), h("dd", {}, date(d.delivered_on), d.deemed ? " (doręczenie uznane)" : "")] : null,
    d.appeal_until ? [h("dt", {}, "Termin na odwołanie"), h("dd", { class: "termin-odwolania" }, `do ${date(d.appeal_until)} (14 dni, art. 129 § 2 KPA)`)] : null,
    d.final_on ? [h("dt", {}, "Decyzja ostateczna"), h("dd", {}, `od ${date(d.final_on)}`)] : null,
    d.appeal ? [h("dt", {}, "Odwołanie"), h("dd", {}, `wniesione ${date(d.appeal.received_on)}${d.appeal.in_time ? "" : " (po terminie)"}`)] : null);
}

function evidences(d, path, state) {
  if (!d.evidences.length) return h("p", { class: "muted" }, "Brak dowodów doręczenia.");
  return h("ul", { class: "dowody" }, d.evidences.map((e) => h("li", {},
    fileButton(`Pobierz: ${e.label} (${date(e.event_at)})`, path(e.id), `${e.kind}.xml`, state))));
}

// A small form posting JSON to `path`; its 422 details on its fields, other errors in the summary.
function postForm(id, fields, button, path, payload, done) {
  const errors = h("div");
  const byName = Object.fromEntries(fields.map((f) => [f.input.name, f]));
  const submit = h("button", { class: "btn", type: "submit" }, button);
  const form = h("form", { id, novalidate: true }, errors, fields.map((f) => f.box), h("div", { class: "actions" }, submit));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    submit.disabled = true;
    clearErrors(byName, errors);
    try { done((await api(path, { method: "POST", ...(await payload()) })).data); }
    catch (err) {
      const details = err instanceof ApiError && err.details.length ? err.details : [{ field: null, message: err.message }];
      showErrors(details, byName, (p) => String(p), errors);
    }
    submit.disabled = false;
  });
  return form;
}

const base64 = (file) => new Promise((resolve, reject) => {
  const reader = new FileReader();
  reader.onload = () => resolve(String(reader.result).split(",")[1] || "");
  reader.onerror = () => reject(reader.error);
  reader.readAsDataURL(file);
});

function sendForm(base, letter, done, partyAde) {
  const n = letter.letter_id.slice(0, 8);
  const channel = field(`kanal-${n}`, "Kanał doręczenia", h("select", { name: "channel" },
    h("option", { value: "auto" }, "Automatycznie: e-Doręczenia, gdy strona ma adres do doręczeń, inaczej papier"),
    h("option", { value: "e-doreczenie" }, "e-Doręczenia"), h("option", { value: "papier" }, "Przesyłka papierowa (usługa hybrydowa)")));
  const ade = field(`ade-${n}`, "Adres do doręczeń elektronicznych strony (opcjonalnie)", h("input", { type: "text", name: "ade", autocomplete: "off", value: partyAde || null }),
    partyAde ? "Podany przez stronę we wniosku; możesz go zmienić. Format AE:PL-00000-00000-AAAAA-00."
      : "Format AE:PL-00000-00000-AAAAA-00; strona nie podała adresu — gdy pusty, pismo pójdzie pocztą.");
  const pub = field(`publiczny-${n}`, "Adresat jest podmiotem publicznym (doręczenie z chwilą wpłynięcia)", h("input", { type: "checkbox", name: "public_body" }));
  pub.box.classList.add("choice");
  const address = field(`adres-${n}`, "Adres do korespondencji dla przesyłki papierowej (opcjonalnie)", h("textarea", { rows: "2", name: "address" }),
    "Wiersz po wierszu; gdy pusty — adres ze sprawy.");
  let key = crypto.randomUUID();
  return postForm(`wyslij-${n}`, [channel, ade, pub, address], "Wyślij stronie", `${base}/letters/${letter.letter_id}/delivery`, async () => ({
    headers: { "Idempotency-Key": key },
    body: { channel: channel.input.value, ade: ade.input.value.trim() || null, public_body: pub.input.checked,
      address: address.input.value.split("\n").map((l) => l.trim()).filter(Boolean) } }), (d) => { key = crypto.randomUUID(); done(d); });
}

function receiptForm(path, d, done) {
  const n = d.delivery_id.slice(0, 8);
  const day = field(`data-doreczenia-${n}`, "Data doręczenia z potwierdzenia odbioru", h("input", { type: "date", name: "delivered_on" }));
  const scan = field(`skan-${n}`, "Skan potwierdzenia odbioru (PDF, JPEG, PNG)", h("input", { type: "file", name: "scan_base64", accept: "application/pdf,image/jpeg,image/png" }));
  return postForm(`potwierdzenie-${n}`, [day, scan], "Zapisz potwierdzenie odbioru", `${path}/return-receipt`, async () => {
    const file = scan.input.files[0];
    return { body: { delivered_on: day.input.value || null, scan_base64: file ? await base64(file) : "",
      ...(file ? { filename: file.name.replace(/[^\w .()-]/g, "_").slice(0, 100) } : {}) } };
  }, done);
}

function paperForm(path, d, done) {
  const address = field(`adres-papier-${d.delivery_id.slice(0, 8)}`, "Adres do korespondencji (opcjonalnie)", h("textarea", { rows: "2", name: "address" }),
    "Wiersz po wierszu; gdy pusty — adres ze sprawy.");
  return postForm(`papier-${d.delivery_id.slice(0, 8)}`, [address], "Wyślij papierem", `${path}/resend`, async () => ({
    body: { address: address.input.value.split("\n").map((l) => l.trim()).filter(Boolean) } }), done);
}

function appealForm(path, d, done) {
  const day = field(`odwolanie-${d.delivery_id.slice(0, 8)}`, "Data wniesienia odwołania", h("input", { type: "date", name: "received_on" }));
  return postForm(`odwolanie-form-${d.delivery_id.slice(0, 8)}`, [day], "Zapisz odwołanie", `${path}/appeal`, async () => ({ body: { received_on: day.input.value || null } }), done);
}

// The clerk's block: `canAct` when the clerk may send (the case's assignee or the head); `partyAde` the party's ADE
// the case holds (the send form is prefilled with it).
export function deliveriesBlock(base, canAct, state, partyAde) {
  const box = h("div", { id: "doreczenia" }, h("p", { class: "muted" }, "Wczytywanie pism i doręczeń…"));
  const said = h("div", { role: "status" });
  async function draw(message) {
    try {
      const [letters, deliveries] = await Promise.all([get(`${base}/letters`), get(`${base}/deliveries`)]);
      const byLetter = Object.fromEntries(deliveries.items.map((d) => [d.letter_id, d]));
      if (!letters.items.length) { box.replaceChildren(h("p", {}, "W sprawie nie wydano jeszcze pism.")); return; }
      said.replaceChildren(message ? notice("ok", h("p", {}, message)) : "");
      box.replaceChildren(said, h("ul", { class: "cards" }, letters.items.map((l) => {
        const d = byLetter[l.letter_id];
        const path = d ? `${base}/deliveries/${d.delivery_id}` : null;
        const again = (text) => (x) => draw(`${text}: ${x.status_label}.`);
        return h("li", { class: "pismo" }, h("h3", {}, `${l.title} (${l.case_sign})`),
          ...(d ? [facts(d), h("h4", {}, "Dowody doręczenia"), evidences(d, (id) => `${path}/evidences/${id}`, state),
            d.channel === "papier" ? fileButton("Pobierz plik do druku (ZIP)", `${path}/print-file`, "wydruk.zip", state) : null,
            ...(canAct && d.status === "do_wydruku" ? [h("h4", {}, "Potwierdzenie odbioru"), receiptForm(path, d, again("Zapisano potwierdzenie"))] : []),
            ...(canAct && d.status === "nieudana" ? [notice("bad", h("p", {}, "Wysyłka nie powiodła się mimo ponowień.")),
              h("button", { type: "button", class: "btn", onclick: async (e) => {
                e.currentTarget.disabled = true;
                try { again("Ponowiono wysyłkę")((await api(`${path}/resend`, { method: "POST", body: {} })).data); }
                catch (err) { said.replaceChildren(errorNotice(err)); }
              } }, "Wyślij ponownie")] : []),
            ...(canAct && d.status === "niedoreczona" ? [notice("bad", h("p", {}, "Skrzynka nie doręczyła pisma: wyślij je papierem.")),
              paperForm(path, d, again("Skierowano do wysyłki papierowej"))] : []),
            ...(canAct && d.appeal_until && !d.final_on && !d.appeal ? [h("h4", {}, "Odwołanie"), appealForm(path, d, again("Zapisano odwołanie"))] : [])]
            : [canAct ? sendForm(base, l, (x) => draw(`Skierowano do doręczenia: ${x.status_label}.`), partyAde) : h("p", {}, "Pismo nie zostało jeszcze wysłane.")]));
      })));
    } catch (err) { box.replaceChildren(errorNotice(err)); }
  }
  draw();
  return box;
}

// The party's block on moja-sprawa.html.
export function myDeliveries(caseId, state) {
  const box = h("div", { id: "doreczenia" }, h("p", { class: "muted" }, "Wczytywanie…"));
  const base = `/v1/me/cases/${encodeURIComponent(caseId)}/deliveries`;
  get(base).then((list) => box.replaceChildren(list.items.length ? h("ul", { class: "cards" }, list.items.map((d) => h("li", { class: "pismo" },
    h("h3", {}, d.title), facts(d), h("h4", {}, "Dowody doręczenia"), evidences(d, (id) => `${base}/${d.delivery_id}/evidences/${id}`, state))))
    : h("p", {}, "Urząd nie wysłał Ci jeszcze pism w tej sprawie."))).catch((err) => box.replaceChildren(errorNotice(err)));
  return box;
}
