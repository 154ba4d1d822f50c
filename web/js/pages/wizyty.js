// e-wizyta for the clerk: the day's visits at the counters of their department (one counter or all), and who
// came. Another department's counter is refused (403) in words.
import { api, ApiError, get } from "../api.js";
import { $, errorNotice, h, layout, notice, requireRole } from "../ui.js";

const time = (iso) => new Date(iso).toLocaleTimeString("pl-PL", { hour: "2-digit", minute: "2-digit", timeZone: "Europe/Warsaw" });
const today = () => new Date().toLocaleDateString("sv-SE", { timeZone: "Europe/Warsaw" });
const ATTENDANCE = { przyszedl: "Przyszedł(-ła)", nie_przyszedl: "Nie przyszedł(-ła)" };

function row(terc, e, show) {
  const state = e.status === "odwolana" ? "Odwołana" : e.attendance ? ATTENDANCE[e.attendance] : "Oczekiwana";
  const mark = async (came) => {
    try {
      await api(`/v1/tenants/${terc}/appointments/bookings/${e.booking_id}/attendance`, { method: "POST", body: { came } });
      $("#komunikat").replaceChildren(notice("ok", h("p", {}, `Zapisano: ${e.name || "osoba"}, godz. ${time(e.start)} – ${came ? "przyszła" : "nie przyszła"}.`)));
    } catch (err) { $("#komunikat").replaceChildren(errorNotice(err)); }
    await show();
  };
  const who = e.name || "—";
  return h("tr", {},
    h("td", {}, `${time(e.start)}–${time(e.end)}`), h("td", {}, e.counter_name), h("td", {}, e.topic_name),
    h("td", {}, who), h("td", {}, state),
    h("td", {}, e.status === "zarezerwowana" ? [
      h("button", { type: "button", class: "btn secondary", onclick: () => mark(true), "aria-label": `Przyszedł(-ła): ${who}, ${time(e.start)}` }, "Przyszedł(-ła)"), " ",
      h("button", { type: "button", class: "btn secondary", onclick: () => mark(false), "aria-label": `Nie przyszedł(-ła): ${who}, ${time(e.start)}` }, "Nie przyszedł(-ła)")] : ""));
}

async function main() {
  const c = await layout();
  const root = $("#strona");
  if (!requireRole(c, ["clerk"], root)) return;
  const terc = c.terc;
  let offer;
  try { offer = await get(`/v1/tenants/${terc}/appointments`); } catch (err) {
    root.replaceChildren(err instanceof ApiError && err.status === 404 ? notice("warn", h("p", { id: "brak-rezerwacji" }, err.message)) : errorNotice(err));
    return;
  }
  const mine = offer.counters.filter((k) => !c.department || k.department === c.department);
  const counter = h("select", { id: "stanowisko", name: "stanowisko" }, h("option", { value: "" }, "Wszystkie moje stanowiska"),
    offer.counters.map((k) => h("option", { value: k.id }, k.name + (mine.includes(k) ? "" : " (inna komórka)"))));
  const dayInput = h("input", { type: "date", id: "dzien", name: "dzien", value: today() });
  const out = h("div", { id: "lista", "aria-live": "polite" });
  const show = async () => {
    const q = new URLSearchParams({ date: dayInput.value || today(), ...(counter.value ? { counter: counter.value } : {}) });
    try {
      const data = await get(`/v1/tenants/${terc}/appointments/day?${q}`);
      out.replaceChildren(data.items.length ? h("div", { class: "table-wrap" }, h("table", {},
        h("caption", {}, `Wizyty ${new Date(data.day).toLocaleDateString("pl-PL")}: ${data.count}`),
        h("thead", {}, h("tr", {}, ["Godzina", "Stanowisko", "Sprawa", "Osoba", "Stan", "Obecność"].map((t) => h("th", { scope: "col" }, t)))),
        h("tbody", {}, data.items.map((e) => row(terc, e, show)))))
        : h("p", { id: "pusto" }, "Tego dnia nie ma wizyt na wybranych stanowiskach."));
    } catch (err) {
      out.replaceChildren(err instanceof ApiError && err.status === 403 ? notice("bad", h("p", { id: "odmowa" }, h("strong", {}, "Brak dostępu. "), err.message)) : errorNotice(err));
    }
  };
  const form = h("form", { class: "filters", onsubmit: (ev) => { ev.preventDefault(); show(); } },
    h("div", { class: "field" }, h("label", { for: "dzien" }, "Dzień"), dayInput),
    h("div", { class: "field" }, h("label", { for: "stanowisko" }, "Stanowisko"), counter),
    h("div", { class: "field" }, h("button", { type: "submit", class: "btn" }, "Pokaż wizyty")));
  root.replaceChildren(form, h("div", { id: "komunikat" }), out);
  await show();
}

main();
