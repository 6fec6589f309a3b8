// Time-series charts of the last minutes, drawn with uPlot (npm, served from
// /assets/vendor/). If the library is missing the cards say so and the rest of the page works.
import { h } from './dom.js';

let libraryPromise = null;

/** uPlot, or null when /assets/vendor/uPlot.esm.js cannot be loaded. */
export function loadChartLibrary() {
  if (!libraryPromise) {
    libraryPromise = import('/assets/vendor/uPlot.esm.js')
      .then((module) => module.default)
      .catch(() => null);
  }
  return libraryPromise;
}

function cssVar(name) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

function withAlpha(color, alpha) {
  const hex = color.replace('#', '');
  if (!/^[0-9a-f]{6}$/i.test(hex)) return color;
  const value = Number.parseInt(hex, 16);
  return `rgba(${value >> 16}, ${(value >> 8) & 255}, ${value & 255}, ${alpha})`;
}

/**
 * One chart card's plot. `series`: [{ label, color (CSS variable name), fill, dash }].
 * `format`: value -> text for the axis. `max`: fixed upper bound (e.g. 100 for percent).
 * `integer`: the values are counts, so the axis shows whole numbers only.
 */
// Tick steps for counts: whole numbers only.
const INTEGER_STEPS = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 1e4, 2e4,
  2.5e4, 5e4, 1e5, 2e5, 2.5e5, 5e5, 1e6, 2e6, 5e6, 1e7];

export class TimeChart {
  constructor(uPlot, container, { series, format, max, integer = false }) {
    this.container = container;
    const text = cssVar('--text-2');
    const grid = cssVar('--chart-grid');
    const axis = {
      stroke: text,
      grid: { stroke: grid, width: 1 },
      ticks: { stroke: grid, width: 1 },
      font: '11px system-ui, sans-serif',
    };
    this.plot = new uPlot({
      width: Math.max(container.clientWidth, 200),
      height: 170,
      legend: { show: false },
      cursor: { drag: { x: false, y: false }, points: { size: 6 } },
      scales: {
        x: { time: true },
        y: { range: (_u, _min, dataMax) => [0, max ?? (dataMax > 0 ? dataMax * 1.15 : 1)] },
      },
      axes: [
        { ...axis, space: 60 },
        {
          ...axis,
          size: 62,
          incrs: integer ? INTEGER_STEPS : undefined,
          values: (_u, values) => values.map((value) => format(value)),
        },
      ],
      series: [
        {},
        ...series.map((entry) => {
          const color = cssVar(entry.color) || '#3d6ef5';
          return {
            label: entry.label,
            stroke: color,
            width: 2,
            dash: entry.dash,
            fill: entry.fill === false ? undefined : withAlpha(color, 0.12),
            points: { show: false },
            value: (_u, value) => (value === null || value === undefined ? '—' : format(value)),
          };
        }),
      ],
    }, [[], ...series.map(() => [])], container);
    this.observer = new ResizeObserver(() => {
      const width = container.clientWidth;
      if (width > 0) this.plot.setSize({ width, height: 170 });
    });
    this.observer.observe(container);
  }

  /** `times`: seconds since the epoch; `columns`: one array per series. */
  setData(times, columns) {
    this.plot.setData([times, ...columns]);
  }
}

/** Replaces a chart container's content with a short explanation. */
export function showChartMessage(container, message) {
  container.replaceChildren(h('div', { className: 'chart-empty', text: message }));
}

/**
 * The history behind the charts: columns of samples, trimmed to `windowMs`.
 * Filled from /api/stats/history, then one point per `stats` event.
 */
export class SampleWindow {
  constructor(windowMs) {
    this.windowMs = windowMs;
    this.columns = new Map();
    this.times = [];
  }

  /** `history`: the /api/stats/history body (arrays per series, "t" in ms). */
  load(history) {
    this.times = (history.t || []).map((ms) => ms / 1000);
    this.columns = new Map();
    for (const [name, values] of Object.entries(history)) {
      if (Array.isArray(values) && name !== 't') this.columns.set(name, values.slice());
    }
    this.trim();
  }

  /** Adds one sample (an object of series name -> value) at `timestampMs`. */
  push(timestampMs, values) {
    const seconds = timestampMs / 1000;
    if (this.times.length > 0 && seconds <= this.times[this.times.length - 1]) return;
    const count = this.times.length;
    this.times.push(seconds);
    for (const [name, value] of Object.entries(values)) {
      if (!this.columns.has(name)) this.columns.set(name, new Array(count).fill(null));
      this.columns.get(name).push(value ?? null);
    }
    for (const column of this.columns.values()) {
      if (column.length < this.times.length) column.push(null);
    }
    this.trim();
  }

  trim() {
    if (this.times.length === 0) return;
    const oldest = this.times[this.times.length - 1] - this.windowMs / 1000;
    let drop = 0;
    while (drop < this.times.length && this.times[drop] < oldest) drop += 1;
    if (drop === 0) return;
    this.times.splice(0, drop);
    for (const column of this.columns.values()) column.splice(0, drop);
  }

  column(name) {
    return this.columns.get(name) || new Array(this.times.length).fill(null);
  }
}
