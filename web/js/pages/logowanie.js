// Sign-in. Production: OpenID Connect authorization code + PKCE against the Cognito user pool (federated with
// login.gov.pl); settings in config.json (`oidc`), no secrets. Locally: a link to the development sign-in.
import { config, signIn } from "../api.js";
import { $, errorNotice, h, layout, params } from "../ui.js";

const b64url = (bytes) => btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

async function start(oidc) {
  const verifier = b64url(crypto.getRandomValues(new Uint8Array(32)));
  const state = b64url(crypto.getRandomValues(new Uint8Array(16)));
  const challenge = b64url(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier)));
  sessionStorage.setItem("eurzad.pkce", JSON.stringify({ verifier, state, back: params().get("wroc") || "/index.html" }));
  const q = new URLSearchParams({ response_type: "code", client_id: oidc.clientId, redirect_uri: oidc.redirectUri,
    scope: oidc.scope || "openid profile", state, code_challenge: challenge, code_challenge_method: "S256" });
  location.href = `${oidc.authorizeUrl}?${q}`;
}

async function finish(oidc, code, state) {
  const saved = JSON.parse(sessionStorage.getItem("eurzad.pkce") || "{}");
  sessionStorage.removeItem("eurzad.pkce");
  if (!saved.state || saved.state !== state) throw new Error("Logowanie przerwane lub nieważne. Zaloguj się ponownie.");
  const r = await fetch(oidc.tokenUrl, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "authorization_code", client_id: oidc.clientId, code, redirect_uri: oidc.redirectUri, code_verifier: saved.verifier }) });
  if (!r.ok) throw new Error("Nie udało się zakończyć logowania.");
  signIn((await r.json()).id_token);  // the API checks the ID token's audience (the app client)
  location.href = saved.back && saved.back.startsWith("/") && !saved.back.startsWith("//") ? saved.back : "/index.html";
}

async function main() {
  await layout();
  const root = $("#strona");
  const cfg = await config();
  const p = params();
  try {
    if (cfg.oidc && p.get("code")) { await finish(cfg.oidc, p.get("code"), p.get("state")); return; }
  } catch (err) { root.replaceChildren(errorNotice(err)); return; }
  const parts = [h("p", {}, "Zaloguj się, aby złożyć wniosek, zobaczyć swoje sprawy lub pracować w urzędzie.")];
  if (cfg.oidc) parts.push(h("button", { class: "btn", type: "button", onclick: () => start(cfg.oidc) }, "Zaloguj się przez login.gov.pl"));
  if (cfg.devSignIn) {
    parts.push(h("div", { class: "notice warn" }, h("p", {}, h("strong", {}, "Środowisko lokalne: "),
      h("a", { href: cfg.devSignIn + location.search }, "logowanie deweloperskie (tylko lokalnie)"))));
  }
  if (!cfg.oidc && !cfg.devSignIn) parts.push(h("p", {}, "Logowanie nie jest skonfigurowane."));
  root.replaceChildren(...parts);
}
main();
