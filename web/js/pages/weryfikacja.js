// Verify a signed document or a UPP: drop (or choose) the XML file; the report in plain Polish.
import { api } from "../api.js";
import { $, dateTime, errorNotice, h, layout } from "../ui.js";

const VERDICT = {
  valid: ["ok", "Podpis ważny", "Dokument jest nienaruszony, a podpis złożono certyfikatem z zaufanego źródła."],
  intact_untrusted: ["warn", "Dokument nienaruszony, podpis niezaufany", "Treść nie została zmieniona, ale certyfikatu podpisującego nie wystawił zaufany dostawca."],
  invalid: ["bad", "Podpis nieważny", "Dokument zmieniono po podpisaniu albo podpis nie spełnia wymagań."],
};
const SIGNER_KIND = { person: "osoba fizyczna", seal: "pieczęć elektroniczna", trusted_profile: "Profil Zaufany" };

function signer(s) {
  if (!s) return "nie ustalono";
  const ids = [s.pesel && `PESEL ${s.pesel}`, s.nip && `NIP ${s.nip}`, s.epuap_account && `konto ePUAP ${s.epuap_account}`].filter(Boolean).join(", ");
  const name = s.name || [s.given_name, s.surname].filter(Boolean).join(" ");
  return `${name}${s.organization ? ` (${s.organization})` : ""}${ids ? ` – ${ids}` : ""}${SIGNER_KIND[s.kind] ? ` – ${SIGNER_KIND[s.kind]}` : ""}`;
}

function signatureReport(sig, i) {
  const [kind, label] = VERDICT[sig.verdict] || ["info", sig.verdict];
  const cert = sig.certificate || {};
  return h("section", { "aria-labelledby": `podpis-${i}` },
    h("h3", { id: `podpis-${i}` }, `Podpis ${i + 1}: `, h("span", { class: `tag ${kind}` }, label)),
    h("dl", { class: "summary" },
      h("dt", {}, "Kto podpisał"), h("dd", {}, signer(sig.signer)),
      h("dt", {}, "Kiedy"), h("dd", {}, sig.signing_time ? dateTime(sig.signing_time) : "brak czasu podpisu"),
      h("dt", {}, "Certyfikat"), h("dd", {}, cert.subject || "—"),
      h("dt", {}, "Wystawca certyfikatu"), h("dd", {}, cert.issuer || "—"),
      h("dt", {}, "Numer seryjny"), h("dd", {}, cert.serial_number || "—"),
      h("dt", {}, "Ważność certyfikatu"), h("dd", {}, cert.not_before ? `${dateTime(cert.not_before)} – ${dateTime(cert.not_after)}` : "—"),
      h("dt", {}, "Odcisk SHA-256"), h("dd", {}, cert.sha256 || "—"),
      h("dt", {}, "Ścieżka zaufania"), h("dd", {}, sig.chain?.length ? h("ol", {}, sig.chain.map((c) => h("li", {}, c))) : "nie zbudowano"),
      h("dt", {}, "Rodzaj podpisu"), h("dd", {}, sig.form === "enveloped" ? "otoczony (w dokumencie)" : sig.form === "enveloping" ? "otaczający" : sig.form || "—")),
    sig.reasons?.length ? [h("h4", {}, "Uwagi"), h("ul", {}, sig.reasons.map((r) => h("li", {}, `${r.severity === "broken" ? "Błąd: " : r.severity === "warning" ? "Ostrzeżenie: " : ""}${r.message}`)))] : null,
    h("h4", {}, "Co dokładnie podpisano"),
    sig.signed_content?.length
      ? sig.signed_content.map((c) => h("details", {}, h("summary", {}, c.kind === "document" ? "Podpisany dokument (bez podpisu)" : `Obiekt ${c.reference_uri || ""}`),
        c.xml ? h("pre", { class: "xml" }, c.xml) : h("p", {}, "Dane binarne.")))
      : h("p", {}, "Nic – podpis jest uszkodzony, więc nie można wskazać podpisanej treści."));
}

async function main() {
  layout();
  const root = $("#strona");
  const result = h("div", { id: "wynik", tabindex: "-1" });
  const input = h("input", { type: "file", id: "plik", accept: ".xml,application/xml,text/xml" });
  async function check(file) {
    result.replaceChildren(h("p", { role: "status" }, `Sprawdzanie pliku ${file.name}…`));
    try {
      const { data } = await api("/v1/signatures/verify", { method: "POST", body: file, headers: { "Content-Type": "application/xml" } });
      const [kind, label, text] = VERDICT[data.verdict] || ["info", data.verdict, ""];
      result.replaceChildren(h("h2", {}, "Wynik weryfikacji"),
        h("div", { class: `notice ${kind}`, role: "status" }, h("p", {}, h("strong", {}, label)), h("p", {}, text),
          h("p", { class: "muted" }, `Plik: ${file.name} · sprawdzono ${dateTime(data.verified_at)}`)),
        ...data.signatures.map(signatureReport));
    } catch (err) { result.replaceChildren(errorNotice(err)); }
    result.focus();
  }
  input.addEventListener("change", () => input.files[0] && check(input.files[0]));
  const zone = h("div", { class: "dropzone", id: "upusc" },
    h("p", {}, "Upuść tutaj plik XML z podpisem (np. UPP albo podpisany wniosek) lub wybierz go z dysku."),
    h("div", { class: "field" }, h("label", { for: "plik" }, "Plik do sprawdzenia", h("span", { class: "hint" }, "XML z podpisem XAdES, do 2 MB")), input));
  zone.addEventListener("dragover", (e) => { e.preventDefault(); zone.classList.add("over"); });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (e) => { e.preventDefault(); zone.classList.remove("over"); const f = e.dataTransfer.files[0]; if (f) check(f); });
  root.replaceChildren(h("p", { class: "lead" }, "Sprawdź, czy dokument podpisany elektronicznie jest nienaruszony, kto go podpisał i czym."), zone, result);
}
main();
