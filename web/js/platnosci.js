// What the finance pages share: the JST and day they show (a regional finance officer picks the JST), amounts in
// grosze shown in złoty, the payment states in words.
import { get } from "./api.js";
import { h } from "./ui.js";

export const PAYMENT_STATE = { nowe: "nowe", oczekuje: "oczekuje na wpłatę", oplacone: "opłacone", nieudane: "nieudane",
  wygasle: "wygasłe", zwrocone: "zwrócone" };

// Grosze as złoty with a decimal comma: 1700 -> "17,00 zł".
export const zl = (grosze) => grosze === null || grosze === undefined ? "—"
  : `${Math.trunc(grosze / 100)},${String(Math.abs(grosze) % 100).padStart(2, "0")} zł`;

// "17,50" / "17.5" / "17" -> 1750 grosze; null for anything else.
export function grosze(text) {
  const m = /^\s*(\d{1,9})(?:[.,](\d{1,2}))?\s*(zł)?\s*$/.exec(text || "");
  return m ? Number(m[1]) * 100 + Number((m[2] || "0").padEnd(2, "0")) : null;
}

// Today in Warsaw as YYYY-MM-DD (the API's days are Warsaw days); `back` days earlier.
export function warsawDay(back = 0) {
  const d = new Date(Date.now() - back * 86400000);
  return new Intl.DateTimeFormat("sv-SE", { timeZone: "Europe/Warsaw" }).format(d);
}

// The JST, day (and other) choices of a finance page, kept in the address so a reload shows the same.
export async function choices(who, idPrefix) {
  const select = h("select", { id: `${idPrefix}-jst`, name: "jst" });
  if (who.terc) {
    select.append(h("option", { value: who.terc }, who.terc));
    select.disabled = true;
  } else {
    const tenants = await get("/v1/tenants");
    select.append(...tenants.items.map((t) => h("option", { value: t.terc }, `${t.name} (${t.terc})`)));
  }
  return select;
}
