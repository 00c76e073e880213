// The funnel card: shows → visits → subscribers → orders → sales, the
// conversion at each step, revenue against expenses and ROI, as inline SVG.
import { App } from "@modelcontextprotocol/ext-apps";
import type { CallToolResult } from "@modelcontextprotocol/ext-apps";
import { connect, el } from "./common";

const app = new App({ name: "leeloo-mcp funnel card", version: "1" });
const root = document.getElementById("card")!;
const NS = "http://www.w3.org/2000/svg";

type Stats = Record<string, number | undefined>;

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

const num = (n: number) => n.toLocaleString("en-US");
const money = (n: number) => "$" + n.toLocaleString("en-US", { maximumFractionDigits: 2 });
const pct = (a: number, b: number) => (b > 0 ? ((100 * a) / b).toFixed(1) + "%" : "–");

function show(r: CallToolResult): void {
  root.replaceChildren();
  const s = (r.structuredContent ?? {}) as Stats;
  if (r.isError || typeof s.shows !== "number") {
    root.append(el("h1", "", "No statistics"), el("p", "result", (r.content ?? []).map((c) => (c.type === "text" ? c.text : "")).join("\n")));
    return;
  }
  const steps: [string, number][] = [
    ["Shows", s.shows ?? 0],
    ["Visits", s.visits ?? 0],
    ["Subscribers", s.subscribers ?? 0],
    ["Orders", s.orders ?? 0],
    ["Sales", s.sales ?? 0],
  ];
  root.append(el("h1", "", "Tunnel funnel"));
  const W = 360, rowH = 34, gap = 22, labelW = 92;
  const max = Math.max(1, ...steps.map(([, v]) => v));
  const chart = svg("svg", { viewBox: `0 0 ${W} ${steps.length * (rowH + gap)}`, role: "img", class: "funnel" });
  chart.append(svg("title", {}, steps.map(([k, v]) => `${k} ${num(v)}`).join(", ")));
  steps.forEach(([label, v], i) => {
    const y = i * (rowH + gap);
    // A square-root scale keeps the narrow end readable.
    const bw = Math.max(64, (W - labelW) * Math.sqrt(v / max));
    const x = labelW + (W - labelW - bw) / 2;
    chart.append(
      svg("text", { x: 0, y: y + rowH / 2 + 5, class: "label" }, label),
      svg("rect", { x, y, width: bw, height: rowH, rx: 4, class: "bar bar" + i }),
      svg("text", { x: labelW + (W - labelW) / 2, y: y + rowH / 2 + 5, "text-anchor": "middle", class: "value" }, num(v)),
    );
    if (i > 0) {
      chart.append(svg("text", { x: labelW + (W - labelW) / 2, y: y - 6, "text-anchor": "middle", class: "conv" }, "↓ " + pct(v, steps[i - 1][1])));
    }
  });
  root.append(chart, el("p", "note", "Bar widths on a square-root scale; ↓ is the conversion from the step above."));

  const revenue = s.totalSale ?? 0, expenses = s.totalExpenses ?? 0;
  const mx = Math.max(1, revenue, expenses);
  const money2 = svg("svg", { viewBox: `0 0 ${W} 64`, role: "img", class: "money" });
  money2.append(svg("title", {}, `Revenue ${money(revenue)}, expenses ${money(expenses)}`));
  ([["Revenue", revenue, "rev"], ["Expenses", expenses, "exp"]] as const).forEach(([label, v, cls], i) => {
    const y = i * 32;
    money2.append(
      svg("text", { x: 0, y: y + 18, class: "label" }, label),
      svg("rect", { x: labelW, y: y + 4, width: Math.max(2, ((W - labelW - 90) * v) / mx), height: 20, rx: 3, class: "bar " + cls }),
      svg("text", { x: W, y: y + 18, "text-anchor": "end", class: "value" }, money(v)),
    );
  });
  root.append(money2);
  const roi = expenses > 0 ? (((revenue - expenses) / expenses) * 100).toFixed(1) + "%" : "– (no expenses)";
  const p = el("p", "roi");
  p.append(el("strong", "", "ROI "), el("span", roi.startsWith("-") ? "bad" : "good", roi));
  root.append(p);
}

app.ontoolresult = (r) => show(r as CallToolResult);
void connect(app);
