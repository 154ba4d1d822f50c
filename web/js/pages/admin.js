// The JST administrator: enable/disable services, fees, departments and deadlines (If-Match on the
// configuration's version), with the audit list.
import { api, get } from "../api.js";
import { $, DEADLINE, dateTime, errorNotice, h, layout, notice, params, requireRole } from "../ui.js";

async function main() {
  const who = await layout();
  const root = $("#strona");
  if (!requireRole(who, ["tenant-admin", "region-admin"], root)) return;
  const terc = who.terc || params().get("jst");
  if (!terc) { root.append(notice("warn", h("p", {}, "Wskaż jednostkę w adresie strony: ?jst=TERC."))); return; }
  let catalogue;
  try { catalogue = await get("/v1/catalogue"); } catch (err) { root.replaceChildren(errorNotice(err)); return; }
  const names = Object.fromEntries(catalogue.items.map((s) => [s.id, s.name]));
  const status = h("div", { id: "komunikat" });
  const list = h("div");
  const audit = h("div", { class: "table-wrap" });
  let version = null;

  async function load() {
    const { data, headers } = await api(`/v1/tenants/${terc}/config`);
    version = (headers.get("ETag") || `"${data.version}"`);
    const config = data.config;
    $("#tytul").textContent = `Ustawienia usług – ${config.name}`;
    list.replaceChildren(...config.services.map((s) => serviceForm(s, config.departments)));
    const log = await get(`/v1/tenants/${terc}/audit`);
    audit.replaceChildren(h("table", {}, h("caption", { class: "visually-hidden" }, "Dziennik zmian"),
      h("thead", {}, h("tr", {}, ["Kiedy", "Kto", "Zmiana"].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, log.items.map((e) => h("tr", {}, h("td", {}, dateTime(e.at)), h("td", {}, e.actor), h("td", {}, e.summary))))));
  }

  function serviceForm(s, departments) {
    const id = (k) => `${s.id}-${k}`;
    const enabled = h("input", { type: "checkbox", id: id("wlaczona"), checked: s.enabled });
    const fee = h("input", { type: "text", id: id("oplata"), inputmode: "decimal", value: s.fee ?? "", "aria-describedby": id("oplata-pomoc") });
    const deadline = h("select", { id: id("termin") }, h("option", { value: "" }, "jak w katalogu"),
      Object.entries(DEADLINE).map(([v, l]) => h("option", { value: v, selected: s.deadline_kind === v }, l)));
    const dept = h("select", { id: id("komorka") }, h("option", { value: "" }, "jak w katalogu"),
      departments.map((d) => h("option", { value: d.symbol, selected: s.department === d.symbol }, `${d.symbol} – ${d.name}`)));
    const title = names[s.id] || s.id;
    return h("form", { class: "repeat-item", "aria-label": title, onsubmit: async (e) => {
      e.preventDefault();
      const body = { enabled: enabled.checked, fee: fee.value.trim() ? fee.value.trim().replace(",", ".") : null,
        deadline_kind: deadline.value || null, department: dept.value || null };
      try {
        await api(`/v1/tenants/${terc}/services/${s.id}/settings`, { method: "PUT", body, headers: { "If-Match": version } });
        await load();
        status.replaceChildren(notice("ok", h("p", {}, `Zapisano: ${title} – ${body.enabled ? "włączona" : "wyłączona"}.`)));
      } catch (err) {
        status.replaceChildren(errorNotice(err.status === 409 ? { message: "Ktoś zmienił ustawienia w międzyczasie. Wczytano aktualne – sprawdź i zapisz ponownie." } : err));
        if (err.status === 409) await load();
      }
      status.focus();
    } },
      h("h3", {}, title, " ", h("span", { class: `tag ${s.enabled ? "ok" : "bad"}` }, s.enabled ? "włączona" : "wyłączona")),
      h("div", { class: "choice" }, enabled, h("label", { for: id("wlaczona") }, "Usługa dostępna dla mieszkańców")),
      h("div", { class: "filters" },
        h("div", { class: "field" }, h("label", { for: id("oplata") }, "Opłata (zł)", h("span", { class: "hint", id: id("oplata-pomoc") }, "Puste – jak w katalogu")), fee),
        h("div", { class: "field" }, h("label", { for: id("termin") }, "Termin załatwienia"), deadline),
        h("div", { class: "field" }, h("label", { for: id("komorka") }, "Komórka prowadząca"), dept)),
      h("button", { class: "btn", type: "submit", id: id("zapisz") }, "Zapisz"));
  }

  status.setAttribute("tabindex", "-1");
  root.replaceChildren(status, h("h2", {}, "Usługi"), list, h("h2", {}, "Dziennik zmian"), audit);
  try { await load(); } catch (err) { root.replaceChildren(errorNotice(err)); }
}
main();
