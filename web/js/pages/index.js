// The region's catalogue: search by words, filter by municipality (JST) and category.
import { get } from "../api.js";
import { $, errorNotice, h, layout, money, params } from "../ui.js";

const CATEGORY = (c) => c.replace(/-/g, " ");

async function main() {
  layout();
  const root = $("#strona");
  const p = params();
  let all;
  try {
    all = await get("/v1/catalogue");  // the page is usable on this first answer; the offices' names follow
  } catch (err) { root.replaceChildren(errorNotice(err)); return; }
  const categories = [...new Set(all.items.map((s) => s.category))].sort();
  const q = h("input", { type: "search", id: "q", name: "q", value: p.get("q") || "" });
  const jst = h("select", { id: "jst", name: "jst" }, h("option", { value: "" }, "wszystkie"),
    p.get("jst") ? h("option", { value: p.get("jst"), selected: true }, p.get("jst")) : null);
  const cat = h("select", { id: "kategoria", name: "kategoria" }, h("option", { value: "" }, "wszystkie"),
    categories.map((c) => h("option", { value: c, selected: c === p.get("kategoria") }, CATEGORY(c))));
  const count = h("p", { id: "liczba", role: "status" });
  const list = h("ul", { class: "cards", id: "uslugi" });
  const form = h("form", { role: "search", "aria-label": "Szukaj usług", onsubmit: (e) => { e.preventDefault(); refresh(); } },
    h("div", { class: "filters" },
      h("div", { class: "field" }, h("label", { for: "q" }, "Czego szukasz?", h("span", { class: "hint" }, "np. drzewa, odpady, zaświadczenie")), q),
      h("div", { class: "field" }, h("label", { for: "jst" }, "Gmina lub powiat"), jst),
      h("div", { class: "field" }, h("label", { for: "kategoria" }, "Kategoria"), cat)),
    h("button", { class: "btn", type: "submit" }, "Szukaj"));
  root.replaceChildren(h("p", { class: "lead" }, "Załatw sprawę w urzędzie gminy lub starostwie przez internet."), form, count, list);

  let latest = 0;
  async function refresh() {
    const asked = ++latest;  // typing fast: only the last search is shown
    const query = new URLSearchParams();
    if (q.value.trim()) query.set("q", q.value.trim());
    if (jst.value) query.set("tenant", jst.value);
    if (cat.value) query.set("category", cat.value);
    const shown = new URLSearchParams({ ...(q.value.trim() && { q: q.value.trim() }), ...(jst.value && { jst: jst.value }), ...(cat.value && { kategoria: cat.value }) });
    history.replaceState(null, "", shown.size ? "?" + shown : location.pathname);
    let found;
    try { found = shown.size ? await get("/v1/catalogue?" + query) : all; } catch (err) { list.replaceChildren(errorNotice(err)); return; }
    if (asked !== latest) return;
    count.textContent = found.count === 0 ? "Nie znaleziono usług." : `Znaleziono usług: ${found.count}`;
    list.replaceChildren(...found.items.map((s) => h("li", {},
      h("h2", {}, h("a", { href: `usluga.html?id=${encodeURIComponent(s.id)}${jst.value ? "&jst=" + jst.value : ""}` }, s.name)),
      h("p", {}, s.purpose.length > 220 ? s.purpose.slice(0, 220) + "…" : s.purpose),
      h("p", { class: "muted" }, `Kategoria: ${CATEGORY(s.category)} · Opłata: ${s.fee ? (s.fee_rule?.by ? "od " : "") + money(s.fee.amount) : "bez opłaty"}`))));
  }
  jst.addEventListener("change", refresh);
  cat.addEventListener("change", refresh);
  await refresh();
  try {
    const tenants = await get("/v1/tenants");
    const chosen = jst.value;
    jst.replaceChildren(h("option", { value: "" }, "wszystkie"),
      ...tenants.items.map((t) => h("option", { value: t.terc, selected: t.terc === chosen }, t.name)));
  } catch { /* the filter keeps what it has */ }
}
main();
