// The dashboard's six charts over the last 15 minutes.
import { h } from '../lib/dom.js';
import { formatBytes, formatInteger, formatPercent, formatRate } from '../lib/format.js';
import { SampleWindow, TimeChart, loadChartLibrary, showChartMessage } from '../lib/charts.js';

const CHARTS = [
  {
    key: 'requests', title: 'Requests / s', format: formatRate,
    series: [{ name: 'requests_per_second', label: 'Requests/s', color: '--chart-1' }],
  },
  {
    key: 'spawners', title: 'Active spawners', format: formatInteger, integer: true,
    series: [{ name: 'active_spawners', label: 'Spawners', color: '--chart-2' }],
  },
  {
    key: 'instances', title: 'Instances vs capacity', format: formatInteger, integer: true,
    series: [
      { name: 'instances_in_use', label: 'In use', color: '--chart-1' },
      { name: 'capacity', label: 'Capacity', color: '--chart-3', dash: [6, 4], fill: false },
    ],
  },
  {
    key: 'allocations', title: 'Allocations / s', format: formatRate,
    series: [
      { name: 'allocations_per_second', label: 'Allocations/s', color: '--chart-2' },
      { name: 'allocation_failures_per_second', label: 'Failures/s', color: '--bad', fill: false },
    ],
  },
  {
    key: 'memory', title: 'Master memory', format: formatBytes,
    series: [{ name: 'memory_usage', label: 'RSS', color: '--chart-4' }],
  },
  {
    key: 'cpu', title: 'CPU', format: (v) => formatPercent(v), max: 100,
    series: [
      { name: 'cpu_percent', label: 'Machine', color: '--chart-1' },
      { name: 'process_cpu_percent', label: 'Master', color: '--chart-3', fill: false },
    ],
  },
];

/** The point a `stats` payload adds to the charts. */
export function pointOf(stats) {
  return {
    requests_per_second: stats.requests_per_second,
    errors_per_second: stats.errors_per_second,
    active_spawners: stats.active_spawners,
    instances_in_use: stats.instances_in_use,
    capacity: stats.capacity,
    memory_usage: stats.memory_usage,
    cpu_percent: stats.machine?.cpu_percent,
    process_cpu_percent: stats.process_cpu_percent,
    allocations_per_second: stats.allocations_per_second,
    allocation_failures_per_second: stats.allocation_failures_per_second,
  };
}

export class DashboardCharts {
  constructor(root, windowMs = 15 * 60 * 1000) {
    this.window = new SampleWindow(windowMs);
    this.charts = [];
    this.entries = CHARTS.map((chart) => {
      const now = h('span', { className: 'chart-now', text: '—' });
      const plot = h('div', { className: 'chart', attrs: { 'data-testid': `chart-${chart.key}` } });
      const card = h('article', { className: 'card chart-card' },
        h('div', { className: 'card-header' }, h('h2', { text: chart.title }), now), plot);
      return { chart, card, plot, now, instance: null };
    });
    root.replaceChildren(...this.entries.map((entry) => entry.card));
    this.ready = this.create();
  }

  async create() {
    const uPlot = await loadChartLibrary();
    for (const entry of this.entries) {
      if (!uPlot) {
        showChartMessage(entry.plot, 'Charts are unavailable: the chart library is missing (run npm ci in web/).');
        continue;
      }
      entry.instance = new TimeChart(uPlot, entry.plot, {
        series: entry.chart.series,
        format: entry.chart.format,
        max: entry.chart.max,
        integer: entry.chart.integer,
      });
    }
    this.draw();
  }

  /** Shows or hides the chart `key` (figures of a plugin the master does not run). */
  show(key, visible) {
    const entry = this.entries.find((candidate) => candidate.chart.key === key);
    if (entry) entry.card.hidden = !visible;
  }

  load(history) {
    this.window.load(history);
    this.draw();
  }

  push(stats) {
    if (Number.isFinite(stats.timestamp)) this.window.push(stats.timestamp, pointOf(stats));
    this.draw();
  }

  draw() {
    for (const entry of this.entries) {
      const columns = entry.chart.series.map((series) => this.window.column(series.name));
      const latest = columns.map((column) => column[column.length - 1]);
      entry.now.textContent = latest.map((value) => (value === null || value === undefined ? '—' : entry.chart.format(value))).join(' / ');
      if (entry.instance) entry.instance.setData(this.window.times, columns);
    }
  }
}
