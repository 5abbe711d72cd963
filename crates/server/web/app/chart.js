// A small interactive SVG line chart: no library. Pointer hover or keyboard focus (arrow keys,
// Home/End) shows the value and date of the nearest point.
import { el, svg } from "./dom.js";
import { t } from "./i18n.js";

const W = 640;
const H = 220;
const PAD = { top: 16, right: 16, bottom: 28, left: 78 };

/**
 * Draw `points` ([{at, value}], oldest first) into a new element and return it.
 * options: { title, format(value) → string, formatDate(Date) → string, formatAxisDate(Date), className }
 */
export function lineChart(points, options) {
  const { title, format, formatExact = format, formatDate, formatAxisDate = formatDate, className = "" } = options;
  const figure = el("figure", { className: `chart ${className}` });
  const caption = el("figcaption", { className: "chart-title" }, title);
  figure.append(caption);
  const data = points
    .map((p) => ({ at: new Date(p.at), value: Number(p.value) }))
    .filter((p) => Number.isFinite(p.at.getTime()) && Number.isFinite(p.value));
  if (data.length === 0) {
    figure.append(el("p", { className: "chart-empty" }, t("chart.empty")));
    return figure;
  }

  const x0 = data[0].at.getTime();
  const x1 = data[data.length - 1].at.getTime();
  const vMin = Math.min(...data.map((p) => p.value));
  const vMax = Math.max(...data.map((p) => p.value));
  // A flat series sits in the middle, not on the floor.
  const ticksY = vMin === vMax ? niceTicks(Math.max(0, vMin - 1), vMax + 1) : niceTicks(vMin, vMax);
  const lo = ticksY[0];
  const hi = ticksY[ticksY.length - 1];
  const innerW = W - PAD.left - PAD.right;
  const innerH = H - PAD.top - PAD.bottom;
  const sx = (ms) => PAD.left + (x1 === x0 ? innerW / 2 : ((ms - x0) / (x1 - x0)) * innerW);
  const sy = (v) => PAD.top + innerH - ((v - lo) / (hi - lo)) * innerH;
  const xy = data.map((p) => [sx(p.at.getTime()), sy(p.value)]);

  const line = xy.map(([x, y], i) => `${i ? "L" : "M"}${x.toFixed(1)},${y.toFixed(1)}`).join("");
  const area =
    `${line}L${xy[xy.length - 1][0].toFixed(1)},${PAD.top + innerH}` +
    `L${xy[0][0].toFixed(1)},${PAD.top + innerH}Z`;

  // Grid: 4 horizontal lines with value labels; start, middle and end dates.
  const grid = [];
  const levels = ticksY;
  // Compact labels ("61.5만") can collide on a narrow range: then exact ones.
  const compact = levels.map((v) => format(v));
  const axisFormat = new Set(compact).size === compact.length ? format : (v) => formatExact(Math.round(v));
  for (const v of levels) {
    const y = sy(v);
    grid.push(svg("line", { class: "chart-grid", x1: PAD.left, x2: W - PAD.right, y1: y, y2: y }));
    grid.push(svg("text", { class: "chart-axis", x: PAD.left - 8, y: y + 4, "text-anchor": "end" }, axisFormat(v)));
  }
  const span = x1 - x0;
  const ticks = x1 === x0 ? [x0] : [x0, (x0 + x1) / 2, x1];
  ticks.forEach((ms, i) => {
    const anchor = ticks.length === 1 ? "middle" : ["start", "middle", "end"][i];
    grid.push(
      svg("text", { class: "chart-axis", x: sx(ms), y: H - 8, "text-anchor": anchor }, formatAxisDate(new Date(ms), span)),
    );
  });

  const marker = svg("circle", { class: "chart-marker", r: 5, cx: xy[0][0], cy: xy[0][1], visibility: "hidden" });
  const guide = svg("line", {
    class: "chart-guide",
    y1: PAD.top,
    y2: PAD.top + innerH,
    x1: 0,
    x2: 0,
    visibility: "hidden",
  });
  const overlay = svg("rect", {
    class: "chart-overlay",
    x: PAD.left,
    y: PAD.top,
    width: innerW,
    height: innerH,
    fill: "transparent",
  });
  const first = data[0];
  const last = data[data.length - 1];
  const label = t("chart.label", {
    metric: title,
    from: formatDate(first.at),
    to: formatDate(last.at),
    first: format(first.value),
    last: format(last.value),
  });
  const chart = svg(
    "svg",
    {
      viewBox: `0 0 ${W} ${H}`,
      class: "chart-svg",
      role: "img",
      "aria-label": label,
    },
    ...grid,
    svg("path", { class: "chart-area", d: area }),
    svg("path", { class: "chart-line", d: line, "vector-effect": "non-scaling-stroke" }),
    guide,
    marker,
    overlay,
  );
  const tip = el("div", { className: "chart-tip", role: "status", "aria-live": "polite", hidden: true });
  const plot = el(
    "div",
    {
      className: "chart-plot",
      tabIndex: 0,
      role: "group",
      "aria-roledescription": "chart",
      "aria-label": `${label}. ${t("chart.hint")}`,
    },
    chart,
    tip,
  );
  figure.append(plot);

  let active = -1;
  function show(i) {
    active = Math.max(0, Math.min(data.length - 1, i));
    const [x, y] = xy[active];
    marker.setAttribute("cx", x);
    marker.setAttribute("cy", y);
    marker.setAttribute("visibility", "visible");
    guide.setAttribute("x1", x);
    guide.setAttribute("x2", x);
    guide.setAttribute("visibility", "visible");
    tip.replaceChildren(
      el("strong", { className: "chart-tip-value" }, formatExact(data[active].value)),
      el("span", { className: "chart-tip-date" }, formatDate(data[active].at)),
    );
    tip.hidden = false;
    // Position in percent of the plot, so it follows the SVG's scaling.
    const left = (x / W) * 100;
    tip.style.left = `${left}%`;
    tip.style.top = `${(y / H) * 100}%`;
    tip.classList.toggle("tip-left", left > 60);
  }
  function hide() {
    marker.setAttribute("visibility", "hidden");
    guide.setAttribute("visibility", "hidden");
    tip.hidden = true;
  }
  function nearest(clientX) {
    const box = chart.getBoundingClientRect();
    const x = ((clientX - box.left) / box.width) * W;
    let best = 0;
    for (let i = 1; i < xy.length; i += 1) {
      if (Math.abs(xy[i][0] - x) < Math.abs(xy[best][0] - x)) best = i;
    }
    return best;
  }
  plot.addEventListener("pointermove", (e) => show(nearest(e.clientX)));
  plot.addEventListener("pointerdown", (e) => show(nearest(e.clientX)));
  plot.addEventListener("pointerleave", () => {
    if (document.activeElement !== plot) hide();
  });
  plot.addEventListener("focus", () => show(active < 0 ? data.length - 1 : active));
  plot.addEventListener("blur", hide);
  plot.addEventListener("keydown", (e) => {
    const step = { ArrowLeft: -1, ArrowRight: 1, ArrowDown: -1, ArrowUp: 1 }[e.key];
    if (step) show(active + step);
    else if (e.key === "Home") show(0);
    else if (e.key === "End") show(data.length - 1);
    else if (e.key === "Escape") hide();
    else return;
    e.preventDefault();
  });
  return figure;
}

/**
 * "Nice" round tick values covering [min, max] (steps of 1, 2, 2.5 or 5 × 10^n, at least 1: the
 * series are counts), 3 to 6 of them.
 */
export function niceTicks(min, max) {
  const span = Math.max(max - min, 1);
  const raw = span / 3;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = Math.max(1, [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw));
  let lo = Math.floor(min / step) * step;
  let hi = Math.ceil(max / step) * step;
  if (hi === lo) hi = lo + step;
  if (lo < 0 && min >= 0) lo = 0;
  const ticks = [];
  for (let v = lo; v <= hi + step / 2; v += step) ticks.push(Math.round(v * 100) / 100);
  return ticks;
}
