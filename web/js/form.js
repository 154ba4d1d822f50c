// A catalogue form rendered from GET /v1/catalogue/{service}/form: JSON Schema for the rules, UI hints for the
// widgets, labels, help, visible_when and repeatable groups. Each field is a node with get/set/validate; paths
// are the API's (`nadawca.pesel`, `pojemniki[0].liczba`) so the server's 422 details land on the right field.
import { h } from "./ui.js";

const COMPOUND = new Set(["person", "firm", "address"]);
const INPUT_TYPE = { email: "email", phone: "tel", date: "date", number: "text", money: "text" };
const SUB_LABEL = { K: "kobieta", M: "mężczyzna" };
const domId = (path) => "f-" + path.replace(/[^A-Za-z0-9_-]+/g, "-").replace(/-$/, "");

function subHints(schema) {
  const fields = {};
  for (const [name, s] of Object.entries(schema.properties || {})) {
    fields[name] = { label: s.title || name, help: s.description,
      widget: s.enum ? "choice" : s.format === "date" ? "date" : "text",
      options: s.enum && s.enum.map((v) => ({ value: v, label: SUB_LABEL[v] || v })) };
  }
  return { order: Object.keys(schema.properties || {}), fields };
}

function conditionHolds(rule, values) {
  return Object.entries(rule).every(([k, v]) => values[k] === v || (values[k] !== undefined && String(values[k]) === String(v)));
}

function empty(v) {
  if (v === undefined || v === null || v === "" || v === false) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === "object") return Object.values(v).every(empty);
  return false;
}

function checkValue(schema, hint, v) {
  if (typeof v !== "string" && typeof v !== "number") return null;
  const s = String(v);
  if (hint.widget === "number" && !/^-?\d+([.,]\d+)?$/.test(s)) return "Wpisz liczbę.";
  if (hint.widget === "money" && !/^\d+([.,]\d{1,2})?$/.test(s)) return "Wpisz kwotę w złotych, np. 120,50.";
  if (schema.format === "email" && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(s)) return "Wpisz adres e-mail w formacie nazwa@domena.pl.";
  if (schema.format === "date" && !/^\d{4}-\d{2}-\d{2}$/.test(s)) return "Wpisz datę.";
  if (schema.maxLength && s.length > schema.maxLength) return `Najwyżej ${schema.maxLength} znaków.`;
  if (schema.minLength && s.length < schema.minLength) return `Co najmniej ${schema.minLength} znaków.`;
  if (schema.pattern && !new RegExp(schema.pattern).test(s)) return "Nieprawidłowy format.";
  const n = Number(s.replace(",", "."));
  if (schema.minimum !== undefined && n < schema.minimum) return `Najmniej ${schema.minimum}.`;
  if (schema.maximum !== undefined && n > schema.maximum) return `Najwięcej ${schema.maximum}.`;
  return null;
}

// One field (not repeatable): a scalar control, a file, or a fieldset of sub-fields.
function field(name, hint, schema, path, owner, ctx) {
  if (hint.widget === "group" || COMPOUND.has(hint.widget)) return objectNode(hint, schema, path, owner, ctx);
  if (hint.widget === "file") return ctx.fileNode(hint, path, owner);
  return scalar(hint, schema, path, owner, ctx);
}

function errorSlot(id) { return h("p", { class: "field-error", id: id + "-blad", hidden: true }); }

function decorate(node, box, slot, described) {
  node.error = (message) => {
    node.message = message || null;
    slot.hidden = !message;
    slot.replaceChildren(...(message ? [h("span", { class: "visually-hidden" }, "Błąd: "), message] : []));
    box.classList.toggle("has-error", Boolean(message));
    for (const el of described()) {
      if (message) el.setAttribute("aria-invalid", "true"); else el.removeAttribute("aria-invalid");
    }
  };
  return node;
}

function scalar(hint, schema, path, owner, ctx) {
  const id = domId(path);
  const help = hint.help ? h("span", { class: "hint", id: id + "-pomoc" }, hint.help) : null;
  const slot = errorSlot(id);
  const described = [help && id + "-pomoc", id + "-blad"].filter(Boolean).join(" ");
  let controls, get, set, box;
  const node = { path, hint, schema, id };
  if (hint.widget === "choice") {
    const options = hint.options || [];
    if (options.length <= 5) {
      controls = options.map((o, i) => h("input", { type: "radio", name: id, id: `${id}-${i}`, value: o.value, "aria-describedby": described }));
      box = h("fieldset", { class: "field", id: id + "-pole" }, h("legend", {}, hint.label, node.optionalMark = h("span")), help, slot,
        options.map((o, i) => h("div", { class: "choice" }, controls[i], h("label", { for: `${id}-${i}` }, o.label))));
      get = () => controls.find((c) => c.checked)?.value;
      set = (v) => controls.forEach((c) => { c.checked = c.value === v; });
    } else {
      const select = h("select", { id, name: id, "aria-describedby": described }, h("option", { value: "" }, "– wybierz –"),
        options.map((o) => h("option", { value: o.value }, o.label)));
      controls = [select];
      get = () => select.value || undefined;
      set = (v) => { select.value = v ?? ""; };
    }
  } else if (hint.widget === "checkbox") {
    const input = h("input", { type: "checkbox", id, name: id, "aria-describedby": described });
    controls = [input];
    box = h("div", { class: "field", id: id + "-pole" }, slot, h("div", { class: "choice" }, input,
      h("label", { for: id }, hint.label, node.optionalMark = h("span"))), help);
    get = () => input.checked;
    set = (v) => { input.checked = v === true; };
  } else {
    const input = hint.widget === "textarea"
      ? h("textarea", { id, name: id, rows: 6, "aria-describedby": described })
      : h("input", { type: INPUT_TYPE[hint.widget] || "text", id, name: id, "aria-describedby": described,
        inputmode: hint.widget === "number" || hint.widget === "money" ? "decimal" : null,
        autocomplete: { email: "email", phone: "tel" }[hint.widget] || "off", spellcheck: hint.widget === "textarea" ? null : "false" });
    controls = [input];
    get = () => { const v = input.value.trim(); if (!v) return undefined;
      if (hint.widget === "number" && /^-?\d+([.,]\d+)?$/.test(v)) return Number(v.replace(",", "."));
      return v; };
    set = (v) => { input.value = v ?? ""; };
  }
  box ??= h("div", { class: "field", id: id + "-pole" }, h("label", { for: id }, hint.label, node.optionalMark = h("span")), help, slot, controls[0]);
  Object.assign(node, { el: box, get, set, focus: () => controls[0].focus(), children: [] });
  node.validate = () => {
    const v = get();
    if (empty(v) || v === false) return owner.isRequired(node) ? (hint.widget === "checkbox" ? "Zaznacz to pole." : hint.widget === "choice" ? "Wybierz jedną z odpowiedzi." : `Uzupełnij pole „${hint.label}”.`) : null;
    return checkValue(schema, hint, v);
  };
  for (const c of controls) {
    c.addEventListener("blur", () => { if (node.visible()) node.error(node.validate()); });
    c.addEventListener(c.type === "radio" || c.type === "checkbox" || c.tagName === "SELECT" ? "change" : "input", () => {
      if (node.message) node.error(node.validate()); // the error goes away (or changes) as the person types
      ctx.changed();
    });
  }
  return decorate(node, box, slot, () => controls);
}

function objectNode(hint, schema, path, owner, ctx) {
  const id = domId(path || "formularz");
  const ui = hint.group || (COMPOUND.has(hint.widget) ? subHints(schema) : hint);
  const slot = errorSlot(id);
  const node = { path, hint, schema, id, children: [] };
  const conditions = schema.allOf || [];
  // Sibling values for visible_when/required_when; a field hidden by its own rule does not count.
  const raw = () => Object.fromEntries(node.children.map((c) => [c.name, c.get()]));
  node.values = () => {
    const values = raw();
    for (const c of node.children) if (c.hint.visible_when && !conditionHolds(c.hint.visible_when, values)) values[c.name] = undefined;
    return values;
  };
  node.isRequired = (child) => (schema.required || []).includes(child.name)
    || conditions.some((c) => c.then.required.includes(child.name) && conditionHolds(Object.fromEntries(
      Object.entries(c.if.properties).map(([k, v]) => [k, v.const])), node.values()));
  for (const name of ui.order) {
    const childHint = ui.fields[name];
    const childSchema = (schema.properties || {})[name] || {};
    const childPath = path ? `${path}.${name}` : name;
    const child = childHint.repeatable ? repeatable(childHint, childSchema, childPath, node, ctx) : field(name, childHint, childSchema, childPath, node, ctx);
    child.name = name;
    child.fullLabel = path ? `${hint.label}: ${childHint.label}` : childHint.label;  // "Nr domu" alone is ambiguous
    child.visible = () => !childHint.visible_when || conditionHolds(childHint.visible_when, node.values());
    node.children.push(child);
  }
  const legend = path ? h("legend", {}, hint.label, node.optionalMark = h("span")) : null;
  node.el = h(path ? "fieldset" : "div", { class: path ? "field box" : "", id: id + "-pole" }, legend, slot, node.children.map((c) => c.el));
  node.get = () => { const v = {}; for (const c of node.children) { if (!c.visible()) continue; const x = c.get(); if (!empty(x) || x === false && c.hint.widget === "checkbox") v[c.name] = x; } return empty(v) ? undefined : v; };
  node.set = (v) => { for (const c of node.children) c.set(v ? v[c.name] : undefined); };
  node.focus = () => node.children.find((c) => c.visible())?.focus();
  // A required group left empty is reported by its own required fields; only one without any is reported here.
  node.validate = () => (path && owner.isRequired(node) && node.get() === undefined && !node.children.some((c) => node.isRequired(c))
    ? `Uzupełnij: ${hint.label}.` : null);
  node.refresh = () => {
    for (const c of node.children) {
      const shown = c.visible();
      c.el.hidden = !shown;
      if (!shown && c.message) c.error(null);
      if (c.optionalMark) c.optionalMark.textContent = node.isRequired(c) ? "" : " (nieobowiązkowe)";
      c.refresh?.();
    }
  };
  return decorate(node, node.el, slot, () => []);
}

function repeatable(hint, schema, path, owner, ctx) {
  const id = domId(path);
  const slot = errorSlot(id);
  const list = h("div");
  const node = { path, hint, schema, id, children: [] };
  const itemSchema = schema.items || {};
  const itemHint = { ...hint, repeatable: false, label: hint.label };
  const noun = hint.widget === "file" ? "plik" : "pozycję";
  const one = { isRequired: () => true };
  function render(values) {
    node.children = values.map((v, i) => {
      const child = field(hint.label, { ...itemHint, label: `${hint.label} – ${i + 1}` }, itemSchema, `${path}[${i}]`, one, ctx);
      child.name = String(i);
      child.visible = () => true;
      child.set(v);
      child.el = h("div", { class: "repeat-item" }, child.el,
        h("button", { type: "button", class: "btn secondary", onclick: () => {
          const all = node.children.map((c) => c.get());
          all.splice(i, 1);
          render(all);
          ctx.changed();
          add.focus();
        } },
          `Usuń ${noun} ${i + 1}`));
      return child;
    });
    list.replaceChildren(...node.children.map((c) => c.el));
    node.refresh?.();
  }
  const add = h("button", { type: "button", class: "btn secondary", id: id + "-dodaj", onclick: () => {
    render([...node.children.map((c) => c.get()), undefined]); node.children.at(-1).focus(); ctx.changed(); } }, `Dodaj ${noun}`);
  node.el = h("fieldset", { class: "field box", id: id + "-pole" }, h("legend", {}, hint.label, node.optionalMark = h("span")),
    hint.help ? h("span", { class: "hint" }, hint.help) : null, slot, list, add);
  node.get = () => { const v = node.children.map((c) => c.get()).filter((x) => !empty(x)); return v.length ? v : undefined; };
  node.set = (v) => render(Array.isArray(v) ? v : []);
  node.focus = () => (node.children[0] || add).focus();
  node.validate = () => (owner.isRequired(node) && !node.children.length ? `Dodaj co najmniej jedną pozycję: ${hint.label}.` : null);
  node.refresh = () => node.children.forEach((c) => c.refresh?.());
  node.isRequired = () => true;  // an item, once added, is filled in
  return decorate(node, node.el, slot, () => []);
}

// Every node under `node` that is shown, depth first (the order of the page).
function* shown(node) {
  for (const c of node.children) {
    if (c.visible && !c.visible()) continue;
    if (c.el.hidden) continue;
    yield c;
    yield* shown(c);
  }
}

// What to check: shown fields, but not inside an optional group or address left empty.
function* checked(node) {
  for (const c of node.children) {
    if ((c.visible && !c.visible()) || c.el.hidden) continue;
    yield c;
    if (c.children.length && (node.isRequired(c) || c.get() !== undefined)) yield* checked(c);
  }
}

export function buildForm(spec, ctx) {
  const root = objectNode({ ...spec.ui, label: spec.schema.title }, spec.schema, "", null, ctx);
  const inner = ctx.changed;
  ctx.changed = () => { root.refresh(); inner(); };
  root.refresh();
  const byPath = () => { const m = new Map(); for (const n of shown(root)) m.set(n.path, n); return m; };
  return {
    el: root.el,
    get: () => root.get() || {},
    set: (data) => { root.set(data); root.refresh(); },
    // Client-side checks of every shown field; the errors are shown and returned for the summary.
    validate() {
      const found = [];
      for (const n of shown(root)) n.error(null);
      for (const n of checked(root)) {
        const message = n.validate();
        n.error(message);
        if (message) found.push({ node: n, message });
      }
      return found;
    },
    // The server's 422 details: `data.a.b[0].c` to the nearest shown field.
    serverErrors(details) {
      const nodes = byPath();
      for (const n of nodes.values()) n.error(null);
      return details.map((d) => {
        let path = (d.field || "").replace(/^data\.?/, "");
        while (path && !nodes.has(path)) path = path.replace(/(\.[^.[\]]+|\[\d+\])$/, "") === path ? "" : path.replace(/(\.[^.[\]]+|\[\d+\])$/, "");
        const node = nodes.get(path) || null;
        if (node) node.error(d.message);
        return { node, message: d.message };
      });
    },
  };
}

export { domId };
