// Finance: a JST's payments of one day with their state, the flags to look into (refused notifications, late
// payments, refused refunds), the sealed proof of a paid order, and a refund of a paid order (finance only; one
// Idempotency-Key per refund form).
import { api, get } from "../api.js";
import { $, dateTime, errorNotice, h, layout, notice, params, requireRole, saveBlob } from "../ui.js";
import { clearErrors, field, showErrors } from "../fields.js";
import { PAYMENT_STATE, choices, grosze, warsawDay, zl } from "../platnosci.js";

const REFUND_FIELD = { amount: "zwrot-kwota", reason: "zwrot-powod" };

function refundForm(terc, order, done) {
  const key = crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`.replace(".", "");
  const left = (order.paid_amount ?? order.amount) - order.refunded;
  const fields = {
    "zwrot-kwota": field("zwrot-kwota", "Kwota zwrotu (zł)", h("input", { type: "text", inputmode: "decimal", value: zl(left).replace(" zł", "") }),
      `Najwyżej ${zl(left)}.`),
    "zwrot-powod": field("zwrot-powod", "Powód zwrotu", h("textarea", { rows: "3", maxlength: "500" }), "Np. opłata wniesiona omyłkowo."),
  };
  const summary = h("div");
  const state = h("div", { tabindex: "-1" });
  const form = h("form", { id: "zwrot", novalidate: true, "aria-labelledby": "zwrot-tytul", onsubmit: async (e) => {
    e.preventDefault();
    const amount = grosze(fields["zwrot-kwota"].input.value);
    const reason = fields["zwrot-powod"].input.value.trim();
    const errors = [];
    if (amount === null || amount <= 0) errors.push({ field: "amount", message: "Podaj kwotę w złotych, np. 17,00." });
    else if (amount > left) errors.push({ field: "amount", message: `Kwota zwrotu może wynieść najwyżej ${zl(left)}.` });
    if (reason.length < 3) errors.push({ field: "reason", message: "Podaj powód zwrotu (co najmniej 3 znaki)." });
    if (errors.length) { showErrors(errors, fields, (f) => REFUND_FIELD[String(f).split(".").pop()], summary); return; }
    clearErrors(fields, summary);
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      const { data } = await api(`/v1/tenants/${terc}/payments/${order.order_id}/refunds`, { method: "POST",
        body: { amount, reason }, headers: { "Idempotency-Key": key } });
      await done(data.status === "wykonany"
        ? notice("ok", h("p", {}, `Zwrócono ${zl(data.amount)} za sprawę ${order.sign}. Zwrócono łącznie: ${zl(data.refunded)}.`))
        : notice("bad", h("p", {}, `Operator odrzucił zwrot za sprawę ${order.sign}. Sprawa jest na liście sygnałów.`)));
    } catch (err) {
      if (err.status === 422 && err.details.length) showErrors(err.details, fields, (f) => REFUND_FIELD[String(f).split(".").pop()] || "zwrot-kwota", summary);
      else { state.replaceChildren(errorNotice(err)); state.focus(); }
    } finally { button.disabled = false; }
  } },
  h("h2", { id: "zwrot-tytul" }, `Zwrot opłaty – sprawa ${order.sign}`),
  h("p", {}, `Wpłacono ${zl(order.paid_amount ?? order.amount)}, zwrócono dotąd ${zl(order.refunded)}.`),
  summary, fields["zwrot-kwota"].box, fields["zwrot-powod"].box, state,
  h("button", { class: "btn warning", type: "submit" }, "Zleć zwrot"), " ",
  h("button", { class: "btn secondary", type: "button", onclick: () => done(null) }, "Anuluj"));
  return form;
}

function paymentsTable(list, canRefund, onRefund, onProof) {
  if (!list.items.length) return h("p", {}, "Brak płatności tego dnia.");
  return h("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": "Płatności dnia" }, h("table", {}, h("caption", { class: "visually-hidden" }, "Płatności dnia"),
    h("thead", {}, h("tr", {}, ["Znak sprawy", "Tytuł", "Kwota", "Stan", "Otwarto", "Opłacono", "Zwrócono", "Transakcja operatora", "Potwierdzenie", canRefund ? "Zwrot" : null]
      .filter(Boolean).map((t) => h("th", { scope: "col" }, t)))),
    h("tbody", {}, list.items.map((o) => h("tr", {},
      h("td", {}, o.sign), h("td", {}, o.title), h("td", {}, zl(o.amount)),
      h("td", {}, h("span", { class: `tag ${o.status === "oplacone" ? "ok" : ["wygasle", "nieudane"].includes(o.status) ? "bad" : "info"}` }, PAYMENT_STATE[o.status] || o.status),
        o.late ? [" ", h("span", { class: "tag warn" }, "po terminie")] : null),
      h("td", {}, dateTime(o.opened_at)), h("td", {}, dateTime(o.paid_at)), h("td", {}, o.refunded ? zl(o.refunded) : "—"),
      h("td", {}, o.gateway_order_id ?? "—"),
      h("td", {}, o.paid_at ? h("button", { type: "button", class: "btn secondary", "aria-label": `Potwierdzenie wpłaty za sprawę ${o.sign} (XML)`,
        onclick: () => onProof(o) }, "XML") : "—"),
      canRefund ? h("td", {}, o.status === "oplacone" && o.refunded < (o.paid_amount ?? o.amount)
        ? h("button", { type: "button", class: "btn secondary", "aria-label": `Zwrot opłaty za sprawę ${o.sign}`, onclick: () => onRefund(o) }, "Zwrot…") : "—") : null)))));
}

function flagsTable(flags) {
  if (!flags.items.length) return h("p", {}, "Brak sygnałów tego dnia.");
  return h("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": "Sygnały do wyjaśnienia" }, h("table", {}, h("caption", { class: "visually-hidden" }, "Sygnały do wyjaśnienia"),
    h("thead", {}, h("tr", {}, ["Kiedy", "Sygnał", "Opis", "Zlecenie", "Kwota"].map((t) => h("th", { scope: "col" }, t)))),
    h("tbody", {}, flags.items.map((f) => h("tr", {}, h("td", {}, dateTime(f.at)),
      h("td", {}, h("span", { class: "tag warn" }, "Do wyjaśnienia"), " ", f.code), h("td", {}, f.message),
      h("td", {}, f.order_id || f.session_id || "—"), h("td", {}, f.amount === null || f.amount === undefined ? "—" : zl(f.amount)))))));
}

async function main() {
  const who = await layout();
  const root = $("#strona");
  if (!requireRole(who, ["finance", "tenant-admin"], root)) return;
  const p = params();
  let jst;
  try { jst = await choices(who, "filtr"); } catch (err) { root.replaceChildren(errorNotice(err)); return; }
  if (p.get("jst") && !who.terc) jst.value = p.get("jst");
  const day = h("input", { type: "date", id: "filtr-dzien", name: "dzien", value: p.get("dzien") || warsawDay(), required: true });
  const state = h("select", { id: "filtr-stan", name: "stan" }, h("option", { value: "" }, "wszystkie"),
    Object.entries(PAYMENT_STATE).map(([v, l]) => h("option", { value: v, selected: p.get("stan") === v }, l)));
  const status = h("div", { id: "komunikat", tabindex: "-1" });
  const payments = h("div", { id: "platnosci" });
  const flags = h("div", { id: "sygnaly" });
  const refund = h("div", { id: "zwrot-miejsce" });
  const canRefund = who.role === "finance";

  async function load() {
    const q = new URLSearchParams({ day: day.value, ...(state.value && { status: state.value }) });
    history.replaceState(null, "", `?${new URLSearchParams({ jst: jst.value, dzien: day.value, ...(state.value && { stan: state.value }) })}`);
    payments.replaceChildren(h("p", { class: "muted" }, "Wczytywanie…"));
    try {
      const list = await get(`/v1/tenants/${jst.value}/payments?${q}`);
      payments.replaceChildren(h("p", { role: "status" }, `Płatności ${day.value}: ${list.count}, na kwotę ${zl(list.totals.amount)}; opłacono ${zl(list.totals.paid_amount)}.`),
        paymentsTable(list, canRefund, (o) => {
          refund.replaceChildren(refundForm(jst.value, o, async (shown) => {
            refund.replaceChildren();
            if (shown) { status.replaceChildren(shown); await load(); status.focus(); }
          }));
          refund.querySelector("input").focus();
        }, async (o) => {
          // The sealed proof as stored (one document per payment), saved under a readable name.
          try {
            const blob = await api(`/v1/tenants/${jst.value}/payments/${o.order_id}/proof`, { accept: "application/xml" });
            saveBlob(blob, `potwierdzenie-wplaty-${o.sign}.xml`);
            status.replaceChildren(notice("ok", h("p", {}, `Pobrano potwierdzenie wpłaty za sprawę ${o.sign}.`)));
          } catch (err) { status.replaceChildren(errorNotice(err)); }
          status.focus();
        }));
      const found = await get(`/v1/tenants/${jst.value}/payments/flags?day=${day.value}`);
      flags.replaceChildren(flagsTable(found));
    } catch (err) { payments.replaceChildren(errorNotice(err)); flags.replaceChildren(); }
  }

  const filters = h("form", { class: "filters", "aria-label": "Wybór dnia", onsubmit: (e) => { e.preventDefault(); status.replaceChildren(); refund.replaceChildren(); load(); } },
    h("div", { class: "field" }, h("label", { for: "filtr-jst" }, "Jednostka"), jst),
    h("div", { class: "field" }, h("label", { for: "filtr-dzien" }, "Dzień"), day),
    h("div", { class: "field" }, h("label", { for: "filtr-stan" }, "Stan"), state),
    h("div", { class: "field" }, h("button", { class: "btn", type: "submit" }, "Pokaż")));
  root.replaceChildren(filters, status, h("h2", {}, "Wpłaty"), payments, refund, h("h2", {}, "Sygnały do wyjaśnienia"), flags,
    h("p", {}, h("a", { href: `rozliczenie.html?jst=${jst.value}` }, "Rozliczenie dnia z raportem operatora")));
  await load();
}
main();
