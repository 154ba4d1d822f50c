// e-wizyta for the resident: choose the office, the matter and a day, see the free slots, book one (with the
// calendar file), and manage one's bookings (cancel, move to another slot). Refusals (a slot just taken, a second
// booking of the same matter that day) are shown in words.
import { api, ApiError, claims, get } from "../api.js";
import { $, errorNotice, h, layout, notice, params, saveBlob } from "../ui.js";

const S = { terc: null, offer: null, moving: null, key: null };
const time = (iso) => new Date(iso).toLocaleTimeString("pl-PL", { hour: "2-digit", minute: "2-digit", timeZone: "Europe/Warsaw" });
const day = (iso) => new Date(iso).toLocaleDateString("pl-PL", { weekday: "long", day: "numeric", month: "long", year: "numeric", timeZone: "Europe/Warsaw" });
const today = () => new Date().toLocaleDateString("sv-SE", { timeZone: "Europe/Warsaw" });
const newKey = () => (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random()).replace(/[^A-Za-z0-9-]/g, "");

function select(id, label, options, hint) {
  const input = h("select", { id, name: id, "aria-describedby": hint ? `${id}-podpowiedz` : null },
    options.map(([value, text]) => h("option", { value }, text)));
  return { input, box: h("div", { class: "field" }, h("label", { for: id }, label),
    hint ? h("span", { class: "hint", id: `${id}-podpowiedz` }, hint) : null, input) };
}

async function downloadCalendar(bookingId) {
  const { data } = await api(`/v1/me/appointments/${bookingId}/calendar`);
  saveBlob(new Blob([data.ics], { type: "text/calendar" }), data.filename);
  $("#komunikat-kalendarz")?.replaceChildren(`Pobrano: ${data.filename}`);
}

function bookingItem(b, refresh) {
  const active = b.status === "zarezerwowana";
  return h("li", { class: "card" },
    h("h3", {}, `${b.topic_name}: ${day(b.start)}, godz. ${time(b.start)}`),
    h("p", {}, `${b.office_name}, ${b.counter_name}. Stan: `, h("strong", {}, b.status_label),
      b.attendance ? ` (${b.attendance === "przyszedl" ? "obecność potwierdzona" : "nieobecność"})` : ""),
    h("p", {},
      h("button", { type: "button", class: "btn secondary", onclick: () => downloadCalendar(b.booking_id) },
        "Pobierz plik kalendarza (.ics)"), " ",
      active ? h("button", { type: "button", class: "btn secondary", onclick: () => startMove(b) }, "Przełóż") : null, " ",
      active ? h("button", { type: "button", class: "btn warning", onclick: () => cancel(b, refresh) }, "Odwołaj") : null));
}

async function cancel(b, refresh) {
  const out = $("#moje-komunikat");
  try {
    await api(`/v1/me/appointments/${b.booking_id}`, { method: "DELETE" });
    out.replaceChildren(notice("ok", h("p", {}, `Wizyta ${day(b.start)}, godz. ${time(b.start)} została odwołana.`)));
  } catch (err) { out.replaceChildren(errorNotice(err)); }
  await refresh();
}

function startMove(b) {
  S.moving = b;
  $("#przekladanie").replaceChildren(notice("info", h("p", {},
    `Przekładasz wizytę „${b.topic_name}” z ${day(b.start)}, godz. ${time(b.start)}. Wybierz nowy dzień i termin, potem naciśnij „Przełóż wizytę”.`),
    h("button", { type: "button", class: "btn secondary", onclick: () => { S.moving = null; $("#przekladanie").replaceChildren(); $("#zarezerwuj").textContent = "Zarezerwuj"; } }, "Anuluj przekładanie")));
  $("#jst").value = b.terc;
  $("#sprawa").value = b.topic;
  $("#zarezerwuj").textContent = "Przełóż wizytę";
  $("#dzien").focus();
}

async function mine() {
  const box = $("#moje-wizyty");
  if (claims()?.role !== "resident") {
    box.replaceChildren(h("p", {}, "Aby zarezerwować wizytę i zobaczyć swoje rezerwacje, ",
      h("a", { href: "logowanie.html?wroc=" + encodeURIComponent("/wizyta.html") }, "zaloguj się"), "."));
    return;
  }
  try {
    const { items } = await get("/v1/me/appointments");
    box.replaceChildren(items.length ? h("ul", { class: "cards" }, items.map((b) => bookingItem(b, mine)))
      : h("p", { id: "brak-wizyt" }, "Nie masz rezerwacji."));
  } catch (err) { box.replaceChildren(errorNotice(err)); }
}

async function loadOffer(topicBox, out) {
  S.terc = $("#jst").value;
  try {
    S.offer = await get(`/v1/tenants/${S.terc}/appointments`);
  } catch (err) {
    S.offer = null;
    topicBox.replaceChildren();
    out.replaceChildren(err instanceof ApiError && err.status === 404 ? notice("warn", h("p", {}, err.message)) : errorNotice(err));
    return;
  }
  out.replaceChildren();
  const topics = select("sprawa", "Sprawa", S.offer.topics.map((t) => [t.id, t.name]));
  topicBox.replaceChildren(topics.box,
    h("p", { class: "muted" }, `Rezerwacja najpóźniej ${S.offer.book_until_hours} godz. przed wizytą, do ${S.offer.book_ahead_days} dni naprzód; odwołanie najpóźniej ${S.offer.cancel_until_hours} godz. przed.`));
}

async function showSlots(out) {
  S.key = newKey();
  const topic = $("#sprawa")?.value;
  const chosen = $("#dzien").value || today();
  if (!topic) return;
  out.replaceChildren(h("p", { role: "status" }, "Wczytywanie wolnych terminów…"));
  try {
    const { items } = await get(`/v1/tenants/${S.terc}/appointments/${topic}/slots?from=${chosen}&to=${chosen}`);
    if (!items.length) { out.replaceChildren(notice("warn", h("p", { id: "brak-terminow" }, "Tego dnia nie ma wolnych terminów. Wybierz inny dzień."))); return; }
    out.replaceChildren(h("fieldset", { class: "field" }, h("legend", {}, `Wolne terminy: ${day(items[0].starts_at)}`),
      items.map((s, i) => h("div", { class: "choice" },
        h("input", { type: "radio", name: "termin", id: `termin-${i}`, value: `${s.counter}|${s.start}`, required: true }),
        h("label", { for: `termin-${i}` }, `${time(s.starts_at)}–${time(s.ends_at)}, ${s.counter_name} (wolnych miejsc: ${s.free})`)))));
  } catch (err) { out.replaceChildren(errorNotice(err)); }
}

async function submit(ev, result) {
  ev.preventDefault();
  const picked = document.querySelector("input[name=termin]:checked");
  if (!picked) { result.replaceChildren(notice("bad", h("p", {}, h("strong", {}, "Błąd: "), "Wybierz termin z listy wolnych terminów."))); result.focus(); return; }
  const [counter, start] = picked.value.split("|");
  const email = $("#email").value.trim();
  try {
    let b;
    if (S.moving) {
      ({ data: b } = await api(`/v1/me/appointments/${S.moving.booking_id}/move`, { method: "POST", body: { counter, start } }));
      S.moving = null; $("#przekladanie").replaceChildren(); $("#zarezerwuj").textContent = "Zarezerwuj";
    } else {
      ({ data: b } = await api("/v1/me/appointments", { method: "POST", headers: { "Idempotency-Key": S.key },
        body: { terc: S.terc, topic: $("#sprawa").value, counter, start, ...(email ? { email } : {}) } }));
    }
    result.replaceChildren(notice("ok", h("p", { id: "potwierdzenie" }, h("strong", {}, "Wizyta zarezerwowana: "),
      `${b.topic_name}, ${day(b.start)}, godz. ${time(b.start)}, ${b.counter_name}.`, email ? " Potwierdzenie wyślemy e-mailem." : ""),
      h("p", {}, h("button", { type: "button", class: "btn secondary", onclick: () => downloadCalendar(b.booking_id) }, "Pobierz plik kalendarza (.ics)")),
      h("p", { class: "status", id: "komunikat-kalendarz", role: "status" })));
  } catch (err) {
    result.replaceChildren(err instanceof ApiError && err.status === 409
      ? notice("bad", h("p", { id: "odmowa" }, h("strong", {}, "Nie zarezerwowano. "), err.message))
      : err instanceof ApiError && err.status === 401 ? notice("warn", h("p", {}, "Zaloguj się, aby zarezerwować wizytę."))
        : errorNotice(err));
  }
  result.focus();
  await mine();
  await showSlots($("#terminy"));
}

async function main() {
  layout();
  const root = $("#strona");
  const tenants = await get("/v1/tenants").catch(() => ({ items: [] }));
  const jst = select("jst", "Urząd", tenants.items.map((t) => [t.terc, t.name]), "Nie każdy urząd prowadzi rezerwację wizyt.");
  const topicBox = h("div", { id: "sprawa-pole" });
  const offerOut = h("div", { id: "oferta" });
  const dayInput = h("input", { type: "date", id: "dzien", name: "dzien", value: today(), min: today() });
  const slotsOut = h("div", { id: "terminy", "aria-live": "polite" });
  const result = h("div", { id: "wynik", tabindex: "-1" });
  const emailInput = h("input", { type: "email", id: "email", name: "email", autocomplete: "email", "aria-describedby": "email-podpowiedz" });
  const form = h("form", { novalidate: true, onsubmit: (ev) => submit(ev, result) },
    jst.box, offerOut, topicBox,
    h("div", { class: "field" }, h("label", { for: "dzien" }, "Dzień wizyty"), dayInput),
    h("p", {}, h("button", { type: "button", class: "btn secondary", id: "pokaz", onclick: () => showSlots(slotsOut) }, "Pokaż wolne terminy")),
    slotsOut,
    h("div", { class: "field" }, h("label", { for: "email" }, "Adres e-mail (nieobowiązkowy)"),
      h("span", { class: "hint", id: "email-podpowiedz" }, "Wyślemy na niego potwierdzenie z plikiem kalendarza i przypomnienie dzień przed wizytą."), emailInput),
    h("div", { id: "przekladanie" }),
    h("button", { type: "submit", class: "btn", id: "zarezerwuj" }, "Zarezerwuj"));
  jst.input.addEventListener("change", async () => { await loadOffer(topicBox, offerOut); slotsOut.replaceChildren(); });
  root.replaceChildren(form, result,
    h("h2", {}, "Moje wizyty"), h("div", { id: "moje-komunikat" }), h("div", { id: "moje-wizyty" }));
  const wanted = params().get("jst");
  if (wanted) jst.input.value = wanted;
  await loadOffer(topicBox, offerOut);
  await mine();
}

main();
