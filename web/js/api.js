// The API client: configuration, the signed-in person's token, requests and errors in the platform's shape.
const TOKEN = "eurzad.token";
let configPromise = null;

export function config() {
  configPromise ??= fetch("/config.json").then((r) => r.json()).catch(() => ({ api: "" }));
  return configPromise;
}

export class ApiError extends Error {
  constructor(status, body) {
    const error = (body && body.error) || {};
    super(error.message || `Błąd ${status}`);
    this.status = status;
    this.code = error.code || "http_" + status;
    this.details = error.details || [];
  }
}

export function claims() {
  const token = sessionStorage.getItem(TOKEN);
  if (!token) return null;
  try {
    const part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    const bytes = Uint8Array.from(atob(part), (c) => c.charCodeAt(0));
    const c = JSON.parse(new TextDecoder().decode(bytes));
    if (c.exp && c.exp * 1000 < Date.now()) { signOut(); return null; }
    return { role: c.role || c["custom:role"], terc: c.terc || c["custom:terc"],
      department: c.department || c["custom:department"], subject: c.sub, name: c.name, pesel: c.pesel,
      head: c.department_head === true || c["custom:department_head"] === "true" };
  } catch { return null; }
}

export function signIn(token) { sessionStorage.setItem(TOKEN, token); }
export function signOut() { sessionStorage.removeItem(TOKEN); }

// Any request to the API; JSON in and out unless `body` is a Blob/string with its own type.
export async function api(path, { method = "GET", body, headers = {}, accept } = {}) {
  const { api: base } = await config();
  const h = { ...headers };
  const token = sessionStorage.getItem(TOKEN);
  if (token) h.Authorization = `Bearer ${token}`;
  if (accept) h.Accept = accept;
  let payload = body;
  if (body !== undefined && !(body instanceof Blob) && typeof body !== "string") {
    h["Content-Type"] = "application/json";
    payload = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(base + path, { method, headers: h, body: payload });
  } catch {
    throw new ApiError(0, { error: { code: "network", message: "Brak połączenia z usługą. Spróbuj ponownie za chwilę." } });
  }
  if (accept && accept !== "application/json" && response.ok) return response.blob();
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = null; }
  if (!response.ok) {
    if (response.status === 401) signOut();
    throw new ApiError(response.status, data);
  }
  return { data, headers: response.headers, status: response.status };
}

export const get = async (path) => (await api(path)).data;
