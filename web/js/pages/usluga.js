// A service's page: description, fee, deadline, attachments, legal basis; the municipality chosen here.
import { api, get } from "../api.js";
import { $, DEADLINE, errorNotice, h, layout, params } from "../ui.js";

async function main() {
  layout();
  const root = $("#strona");
  const id = params().get("id") || "";
  let chosen = params().get("jst") || "";
  let service, tenants;
  try {
    service = await get(`/v1/catalogue/${encodeURIComponent(id)}`);
    tenants = await get("/v1/tenants");
  } catch (err) { root.replaceChildren(errorNotice(err)); return; }
  document.title = `${service.name} – e-Urząd`;
  $("#tytul").textContent = service.name;
  const offers = [];
  let ready = false;
  const details = h("div", { id: "szczegoly" });
  const start = h("p", { id: "start" });
  function show() {
    const offer = offers.find((o) => o.tenant.terc === chosen);
    const s = offer ? offer.service : service;
    details.replaceChildren(h("dl", { class: "summary" },
      h("dt", {}, "Opłata"), h("dd", { id: "oplata" }, !s.fee_rule ? "bez opłaty"
        : s.fee_text.length > 1 ? h("ul", {}, s.fee_text.map((line) => h("li", {}, line))) : s.fee_text[0]),
      s.fee && s.bank_account ? [h("dt", {}, "Rachunek do wpłaty"), h("dd", {}, s.bank_account)] : null,
      h("dt", {}, "Termin załatwienia"), h("dd", {}, `${DEADLINE[s.deadline.kind] || s.deadline.kind}. ${s.deadline.description || ""}`),
      h("dt", {}, "Kto może złożyć"), h("dd", {}, s.who_may_apply)));
    start.replaceChildren(offer
      ? h("a", { class: "btn", href: `wniosek.html?usluga=${encodeURIComponent(id)}&jst=${chosen}` }, `Złóż wniosek – ${offer.tenant.name}`)
      : h("span", { class: "muted" }, !ready ? "" : offers.length ? "Wybierz urząd, aby złożyć wniosek." : "Żaden urząd nie udostępnia teraz tej usługi."));
  }
  const choice = h("fieldset", { "aria-busy": "true" }, h("legend", {}, "Urząd, do którego składasz wniosek"),
    h("p", { class: "muted" }, "Sprawdzanie, które urzędy udostępniają usługę…"));
  root.replaceChildren(
    h("p", { class: "lead" }, service.purpose), choice, details, start,
    h("h2", {}, "Wymagane załączniki"),
    service.required_attachments.length ? h("ul", {}, service.required_attachments.map((a) => h("li", {},
      h("strong", {}, a.name), a.required ? " (wymagany)" : " (jeśli dotyczy)", a.description ? ` – ${a.description}` : ""))) : h("p", {}, "Brak."),
    h("h2", {}, "Podstawa prawna"), h("ul", {}, service.legal_basis.map((b) => h("li", {}, b))),
    h("h2", {}, "Jak złożyć na papierze"), h("p", {}, service.how_to_apply_on_paper || "—"),
    h("p", {}, h("a", { href: "index.html" }, "Wróć do listy usług")));
  show();
  // Offered where the JST has the service enabled (its own list has the overrides applied); the page is
  // readable meanwhile.
  for (const t of tenants.items) {  // one after another: a few small answers, and no burst on the API
    try { offers.push({ tenant: t, service: (await api(`/v1/tenants/${t.terc}/services/${encodeURIComponent(id)}`)).data }); }
    catch { /* not offered by this JST */ }
  }
  if (!offers.some((o) => o.tenant.terc === chosen)) chosen = offers.length === 1 ? offers[0].tenant.terc : "";
  choice.replaceChildren(h("legend", {}, "Urząd, do którego składasz wniosek"),
    ...offers.map((o) => h("div", { class: "choice" },
      h("input", { type: "radio", name: "jst", id: `jst-${o.tenant.terc}`, value: o.tenant.terc, checked: o.tenant.terc === chosen,
        onchange: () => { chosen = o.tenant.terc; history.replaceState(null, "", `?id=${encodeURIComponent(id)}&jst=${chosen}`); show(); } }),
      h("label", { for: `jst-${o.tenant.terc}` }, `${o.tenant.name} (${o.tenant.office_name})`))));
  choice.removeAttribute("aria-busy");
  ready = true;
  show();
}
main();
