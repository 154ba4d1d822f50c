// Page furniture shared by every page: the header's navigation and sign-in state, small DOM helpers.
import { claims, config, signOut } from "./api.js";

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "text") el.textContent = v;
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

export const $ = (sel, root = document) => root.querySelector(sel);
export const params = () => new URLSearchParams(location.search);

const ROLE_LABEL = { resident: "mieszkaniec", clerk: "urzędnik", "tenant-admin": "administrator JST",
  finance: "finanse", "region-admin": "administrator regionu" };

const NAV = [
  ["index.html", "Usługi", () => true],
  ["moje.html", "Moje sprawy", (c) => c?.role === "resident"],
  ["urzednik.html", "Skrzynka podawcza", (c) => c?.role === "clerk"],
  ["admin.html", "Ustawienia JST", (c) => c?.role === "tenant-admin" || c?.role === "region-admin"],
  ["platnosci.html", "Płatności", (c) => c?.role === "finance" || c?.role === "tenant-admin"],
  ["rozliczenie.html", "Rozliczenie", (c) => c?.role === "finance"],
  ["koszty.html", "Koszty", (c) => c?.role === "finance"],
  ["weryfikacja.html", "Weryfikacja podpisu", () => true],
];

export async function layout() {
  const c = claims();
  const here = location.pathname.split("/").pop() || "index.html";
  const nav = $("#nav");
  if (nav) {
    nav.replaceChildren(...NAV.filter(([, , show]) => show(c)).map(([href, label]) =>
      h("li", {}, h("a", { href, "aria-current": href === here ? "page" : null }, label))));
  }
  const who = $("#who");
  if (who) {
    if (c) {
      who.replaceChildren(`Zalogowano: ${c.name || c.subject} (${ROLE_LABEL[c.role] || c.role}${c.terc ? ", JST " + c.terc : ""})`,
        h("button", { type: "button", class: "btn secondary", onclick: () => { signOut(); location.href = "index.html"; } }, "Wyloguj"));
    } else {
      who.replaceChildren(h("a", { href: "logowanie.html?wroc=" + encodeURIComponent(location.pathname + location.search) }, "Zaloguj się"));
    }
  }
  const cfg = await config();
  if (cfg.environment === "lokalne" && !$(".env-banner")) {
    ($(".site-header") || document.body).prepend(h("div", { class: "env-banner" }, h("div", { class: "wrap" },
      "Środowisko lokalne – dane demonstracyjne, tylko lokalnie")));
  }
  return c;
}

// A page that needs a signed-in role: a message with the sign-in link instead of the content.
export function requireRole(c, roles, main) {
  if (c && roles.includes(c.role)) return true;
  main.replaceChildren(h("div", { class: "notice warn" }, h("p", {}, c ? "Ta strona jest dostępna dla innej roli." : "Aby kontynuować, zaloguj się."),
    h("p", {}, h("a", { href: "logowanie.html?wroc=" + encodeURIComponent(location.pathname + location.search) }, "Przejdź do logowania"))));
  return false;
}

export function notice(kind, ...content) {
  return h("div", { class: `notice ${kind}`, role: kind === "bad" ? "alert" : "status" }, ...content);
}

export function errorNotice(err) {
  return notice("bad", h("p", {}, h("strong", {}, "Błąd: "), err.message));
}

export function saveBlob(blob, filename) {
  const url = URL.createObjectURL(blob);
  const a = h("a", { href: url, download: filename, hidden: true });
  document.body.append(a);
  a.click();
  setTimeout(() => { URL.revokeObjectURL(url); a.remove(); }, 1000);
}

// A stored document: the API gives a short-lived link; fetched here so it downloads under a readable name.
export async function downloadLink(url, filename) {
  try {
    const r = await fetch(url);
    if (!r.ok) throw new Error(String(r.status));
    saveBlob(await r.blob(), filename);
  } catch {
    window.open(url, "_blank", "noopener");
  }
}

export const date = (iso) => iso ? new Date(iso).toLocaleDateString("pl-PL") : "—";
export const dateTime = (iso) => iso ? new Date(iso).toLocaleString("pl-PL") : "—";
export const money = (v) => v === null || v === undefined ? "bez opłaty" : `${Number(v).toFixed(2).replace(".", ",")} zł`;

export const DEADLINE = { niezwlocznie: "niezwłocznie", "7-dni": "7 dni", "1-miesiac": "1 miesiąc", "2-miesiace": "2 miesiące" };
export const STATUS = { przyjete: "przyjęty", zarejestrowana: "zarejestrowany", przyjety: "przyjęty", odrzucony: "odrzucony", oczekuje: "sprawdzanie" };
