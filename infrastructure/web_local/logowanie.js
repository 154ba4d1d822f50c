// Development sign-in: a token from the local issuer (POST /lokalnie/token). Served only by the local server.
import { get, signIn } from "/js/api.js";
import { $, h, layout, params } from "/js/ui.js";

const HOME = { resident: "/moje.html", clerk: "/urzednik.html", "tenant-admin": "/admin.html", "region-admin": "/admin.html", finance: "/index.html" };

async function main() {
  await layout();
  const root = $("#strona");
  const tenants = await get("/v1/tenants").catch(() => ({ items: [] }));
  const field = (id, label, input, hint) => h("div", { class: "field" }, h("label", { for: id }, label, hint ? h("span", { class: "hint" }, hint) : null), input);
  const role = h("select", { id: "rola", name: "role" }, [["resident", "mieszkaniec"], ["clerk", "urzędnik"], ["tenant-admin", "administrator JST"],
    ["region-admin", "administrator regionu"], ["finance", "finanse"]].map(([v, l]) => h("option", { value: v }, l)));
  const subject = h("input", { type: "text", id: "login", name: "subject", value: "jan.kowalski", autocomplete: "username" });
  const name = h("input", { type: "text", id: "nazwa", name: "name", value: "Jan Kowalski", autocomplete: "name" });
  const pesel = h("input", { type: "text", id: "pesel", name: "pesel", value: "44051401359", inputmode: "numeric" });
  const terc = h("select", { id: "jst", name: "terc" }, h("option", { value: "" }, "– brak –"), tenants.items.map((t) => h("option", { value: t.terc }, `${t.name} (${t.terc})`)));
  const department = h("input", { type: "text", id: "komorka", name: "department", autocapitalize: "characters" });
  const head = h("input", { type: "checkbox", id: "kierownik", name: "department_head" });
  const error = h("div", { role: "alert" });
  const staffOnly = h("div", {}, field("jst", "Jednostka (JST)", terc, "Dla urzędnika i administratora JST."),
    field("komorka", "Komórka (symbol)", department, "Urzędnik przypisany do komórki, np. OR; puste – cały urząd."),
    h("div", { class: "choice field" }, head, h("label", { for: "kierownik" }, "Kierownik komórki (urzędnik, który przydziela sprawy)")));
  const residentOnly = h("div", {}, field("nazwa", "Imię i nazwisko", name), field("pesel", "PESEL", pesel, "Demo: Jan Kowalski z demonstracyjnego PKI."));
  const sync = () => { residentOnly.hidden = role.value !== "resident"; staffOnly.hidden = role.value === "resident"; };
  role.addEventListener("change", sync);
  root.replaceChildren(
    h("div", { class: "notice warn" }, h("p", {}, h("strong", {}, "Tylko lokalnie. "),
      "Ta strona wydaje tokeny z lokalnego wystawcy deweloperskiego. Nie istnieje we wdrożeniu produkcyjnym, gdzie logowanie odbywa się przez login.gov.pl.")),
    error,
    h("form", { id: "logowanie-lokalne", onsubmit: async (e) => {
      e.preventDefault();
      const body = { role: role.value, subject: subject.value, ...(role.value === "resident"
        ? { name: name.value, pesel: pesel.value } : { terc: terc.value, department: department.value.trim().toUpperCase(), department_head: head.checked }) };
      const r = await fetch("/lokalnie/token", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
      const data = await r.json();
      if (!r.ok) { error.replaceChildren(h("p", { class: "field-error" }, "Błąd: " + data.error.message)); return; }
      signIn(data.token);
      const back = params().get("wroc");
      location.href = back && back.startsWith("/") && !back.startsWith("//") && !back.includes("logowanie") ? back : HOME[role.value];
    } }, field("rola", "Rola", role), field("login", "Identyfikator użytkownika", subject), residentOnly, staffOnly,
      h("button", { class: "btn", type: "submit" }, "Zaloguj (lokalnie)")));
  sync();
}
main();
