// Accessible bar charts in SVG, no library: a figure with its caption, a text summary, the chart (role="img",
// named by the caption and the summary; bars also differ by pattern, not colour alone) and the same figures as
// a table. Stacked bars per category (e.g. a month), one series each (e.g. a JST); optional reference lines
// (e.g. a budget's 80 % and 100 %).
//
//   barChart({ id, title, categories: ["2026-06", …], series: [{ name, values: [number|null, …] }],
//              format: (v) => "12,34 zł", lines: [{ value, label }], summary: "text" })
import { h } from "./ui.js";

const NS = "http://www.w3.org/2000/svg";
// Colours with at least 3:1 contrast against white, told apart by a pattern as well.
const COLOURS = ["#1d70b8", "#d4351c", "#00703c", "#4c2c92", "#b58840", "#505a5f", "#912b88"];
const PATTERNS = ["none", "ukos", "kropki", "poziome", "kratka", "pionowe", "ukos2"];
const W = 640, H = 300, LEFT = 72, RIGHT = 16, TOP = 16, BOTTOM = 40;

function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== null && v !== undefined) el.setAttribute(k, v);
  for (const c of children.flat()) if (c) el.append(c);
  return el;
}

function patterns(id) {
  const p = (name, i, ...shapes) => s("pattern", { id: `${id}-${name}`, width: 8, height: 8, patternUnits: "userSpaceOnUse" },
    s("rect", { width: 8, height: 8, fill: COLOURS[i % COLOURS.length] }), ...shapes);
  const line = (d) => s("path", { d, stroke: "#fff", "stroke-width": 1.5 });
  return s("defs", {},
    p("ukos", 1, line("M0,8 L8,0")), p("kropki", 2, s("circle", { cx: 4, cy: 4, r: 1.6, fill: "#fff" })),
    p("poziome", 3, line("M0,4 L8,4")), p("kratka", 4, line("M0,4 L8,4 M4,0 L4,8")),
    p("pionowe", 5, line("M4,0 L4,8")), p("ukos2", 6, line("M0,0 L8,8")));
}

function fill(id, i) {
  const pattern = PATTERNS[i % PATTERNS.length];
  return pattern === "none" ? COLOURS[0] : `url(#${id}-${pattern})`;
}

function niceMax(value) {
  if (value <= 0) return 1;
  const step = 10 ** Math.floor(Math.log10(value));
  return Math.ceil(value / step) * step;
}

function svgChart({ id, categories, series, format, lines = [] }) {
  const totals = categories.map((_, c) => series.reduce((sum, ser) => sum + (ser.values[c] || 0), 0));
  const top = niceMax(Math.max(...totals, ...lines.map((l) => l.value), 0));
  const y = (v) => TOP + (H - TOP - BOTTOM) * (1 - v / top);
  const band = (W - LEFT - RIGHT) / Math.max(categories.length, 1);
  const axis = [0, 0.5, 1].map((f) => s("g", {},
    s("line", { x1: LEFT, x2: W - RIGHT, y1: y(top * f), y2: y(top * f), stroke: "#b1b4b6" }),
    s("text", { x: LEFT - 6, y: y(top * f) + 4, "text-anchor": "end", "font-size": 12 }, format(top * f))));
  const bars = categories.map((label, c) => {
    let base = 0;
    const x = LEFT + band * c + band * 0.2;
    const parts = series.map((ser, i) => {
      const v = ser.values[c] || 0;
      const rect = v > 0 ? s("rect", { x, width: band * 0.6, y: y(base + v), height: y(base) - y(base + v),
        fill: fill(id, i), stroke: "#0b0c0c", "stroke-width": 0.5 }) : null;
      base += v;
      return rect;
    });
    return s("g", {}, ...parts, s("text", { x: x + band * 0.3, y: H - BOTTOM + 16, "text-anchor": "middle", "font-size": 12 }, label));
  });
  const refs = lines.map((l) => s("g", {},
    s("line", { x1: LEFT, x2: W - RIGHT, y1: y(l.value), y2: y(l.value), stroke: "#0b0c0c", "stroke-dasharray": "6 4", "stroke-width": 2 }),
    s("text", { x: W - RIGHT, y: y(l.value) - 4, "text-anchor": "end", "font-size": 12 }, l.label)));
  return s("svg", { viewBox: `0 0 ${W} ${H}`, width: "100%", role: "img", "aria-labelledby": `${id}-tytul ${id}-opis`,
    focusable: "false", class: "wykres" }, patterns(id), ...axis, ...bars, ...refs);
}

function legend(id, series) {
  return h("ul", { class: "legenda", "aria-hidden": "true" }, series.map((ser, i) => h("li", {},
    (() => { const box = s("svg", { width: 16, height: 16 }, patterns(`${id}-l${i}`),
      s("rect", { width: 16, height: 16, fill: fill(`${id}-l${i}`, i), stroke: "#0b0c0c" })); return box; })(), " ", ser.name)));
}

function table({ id, title, categories, series, format }) {
  return h("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": `${title} – tabela` },
    h("table", { id: `${id}-tabela` }, h("caption", {}, `${title} – dane wykresu`),
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Seria"), categories.map((c) => h("th", { scope: "col" }, c)))),
      h("tbody", {}, series.map((ser) => h("tr", {}, h("th", { scope: "row" }, ser.name),
        ser.values.map((v) => h("td", {}, v === null || v === undefined ? "—" : format(v))))))));
}

// The largest category and the change between the first and the last, in words.
export function describe(categories, series, format) {
  if (!categories.length || !series.length) return "Brak danych do wykresu.";
  const totals = categories.map((_, c) => series.reduce((sum, ser) => sum + (ser.values[c] || 0), 0));
  const most = totals.indexOf(Math.max(...totals));
  const biggest = [...series].sort((a, b) => b.values.reduce((x, v) => x + (v || 0), 0) - a.values.reduce((x, v) => x + (v || 0), 0))[0];
  return `Od ${categories[0]} do ${categories[categories.length - 1]} łącznie ${format(totals[0])} w pierwszym i ` +
    `${format(totals[totals.length - 1])} w ostatnim okresie; najwięcej w ${categories[most]} (${format(totals[most])}). ` +
    `Największa pozycja: ${biggest.name}.`;
}

export function barChart(options) {
  const { id, title, categories, series, format } = options;
  const summary = options.summary || describe(categories, series, format);
  return h("figure", { class: "chart", id },
    h("figcaption", { id: `${id}-tytul` }, title),
    h("p", { id: `${id}-opis`, class: "chart-summary" }, summary),
    svgChart(options), legend(id, series),
    table({ id, title, categories, series, format }));
}
