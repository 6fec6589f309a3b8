// The figure cards at the top of the dashboard, filled from each `stats` payload.
import { h, setMeter, setText } from '../lib/dom.js';
import {
  formatBytes, formatBytesPerSecond, formatDateTime, formatDuration, formatInteger, formatPercent,
  formatRate, formatTime,
} from '../lib/format.js';
import { pluginMemorySummary } from '../lib/plugin-memory.js';

function ratio(part, whole) {
  return Number.isFinite(part) && Number.isFinite(whole) && whole > 0 ? part / whole : NaN;
}

// Each card: key, label, whether it has a meter, and fill(stats) -> { value, sub, tone, fraction }.
const CARDS = [
  {
    key: 'spawners', label: 'Active spawners',
    fill: (s) => ({
      value: formatInteger(s.active_spawners),
      sub: s.registry_available === false ? 'Registry not enabled'
        : `${formatInteger(s.suspect_spawners)} suspect`,
      tone: s.suspect_spawners > 0 ? 'warn' : undefined,
    }),
  },
  {
    key: 'instances', label: 'Instances in use', meter: true,
    fill: (s) => {
      const fraction = ratio(s.instances_in_use, s.capacity);
      return {
        value: formatInteger(s.instances_in_use),
        sub: `of ${formatInteger(s.capacity)} capacity${Number.isFinite(fraction) ? ` · ${formatPercent(fraction * 100)}` : ''}`,
        fraction,
      };
    },
  },
  {
    key: 'allocations', label: 'Allocations / s',
    fill: (s) => ({
      value: formatRate(s.allocations_per_second),
      sub: `${formatInteger(s.total_allocations)} total · ${formatInteger(s.total_allocation_failures)} failed`,
      tone: s.allocation_failures_per_second > 0 ? 'bad' : undefined,
    }),
  },
  {
    key: 'rps', label: 'Requests / s',
    fill: (s) => ({ value: formatRate(s.requests_per_second), sub: `${formatInteger(s.total_requests)} total` }),
  },
  {
    key: 'errors', label: 'Errors',
    fill: (s) => ({
      value: formatInteger(s.total_errors),
      sub: `${formatRate(s.errors_per_second)} / s now`,
      tone: s.errors_per_second > 0 ? 'bad' : undefined,
    }),
  },
  {
    key: 'uptime', label: 'Uptime',
    fill: (s) => ({
      value: formatDuration(s.uptime),
      sub: Number.isFinite(s.timestamp) && Number.isFinite(s.uptime)
        ? `since ${s.uptime < 86400000 ? formatTime(s.timestamp - s.uptime) : formatDateTime(s.timestamp - s.uptime)}` : '',
    }),
  },
  {
    key: 'memory', label: 'Master memory',
    fill: (s) => ({ value: formatBytes(s.memory_usage), sub: `CPU ${formatPercent(s.process_cpu_percent)}` }),
  },
  { key: 'plugin-memory', label: 'Plugin memory', fill: (s) => pluginMemorySummary(s.memory) },
  {
    key: 'traffic', label: 'Traffic',
    fill: (s) => ({ value: `↑ ${formatBytes(s.bytes_sent)}`, sub: `↓ ${formatBytes(s.bytes_received)} received` }),
  },
  {
    key: 'database', label: 'Database',
    fill: (s) => ({
      value: s.db_connected ? 'Connected' : 'Unavailable',
      sub: s.db_connected ? 'Writes succeed' : 'No store, or its last write failed',
      tone: s.db_connected ? 'ok' : 'bad',
    }),
  },
  {
    key: 'cpu', label: 'Machine CPU', meter: true,
    fill: (s) => ({ value: formatPercent(s.machine?.cpu_percent), sub: 'all cores', fraction: (s.machine?.cpu_percent ?? NaN) / 100 }),
  },
  {
    key: 'machine-memory', label: 'Machine memory', meter: true,
    fill: (s) => {
      const total = s.machine?.memory_total;
      const used = Number.isFinite(total) ? total - s.machine.memory_available : NaN;
      return { value: formatBytes(used), sub: `used of ${formatBytes(total)}`, fraction: ratio(used, total) };
    },
  },
  {
    key: 'disk', label: 'Disk', meter: true,
    fill: (s) => {
      const total = s.machine?.disk_total;
      const free = s.machine?.disk_free;
      return {
        value: formatBytes(free),
        sub: `free of ${formatBytes(total)}`,
        fraction: ratio(total - free, total),
        tone: ratio(free, total) < 0.1 ? 'bad' : undefined,
      };
    },
  },
  {
    key: 'network', label: 'Network',
    fill: (s) => ({
      value: `↓ ${formatBytesPerSecond(s.machine?.net_rx_bytes_per_second)}`,
      sub: `↑ ${formatBytesPerSecond(s.machine?.net_tx_bytes_per_second)} sent`,
    }),
  },
];

export class StatCards {
  constructor(root) {
    this.cards = CARDS.map((card) => {
      const value = h('div', { className: 'stat-value', text: '—', attrs: { 'data-testid': `stat-${card.key}` } });
      const sub = h('div', { className: 'stat-sub', text: '\u00a0' });
      const bar = card.meter ? h('div', { className: 'meter' }) : null;
      const element = h('article', { className: 'card stat', dataset: { key: card.key } },
        h('div', { className: 'stat-label', text: card.label }), value, sub, bar);
      return { card, element, value, sub, bar };
    });
    root.replaceChildren(...this.cards.map((entry) => entry.element));
  }

  /** Shows or hides the card `key` (figures of a plugin the master does not run). */
  show(key, visible) {
    const entry = this.cards.find((candidate) => candidate.card.key === key);
    if (entry) entry.element.hidden = !visible;
  }

  update(stats) {
    for (const entry of this.cards) {
      const shown = entry.card.fill(stats);
      setText(entry.value, shown.value);
      setText(entry.sub, shown.sub || '\u00a0');
      if (shown.tone) {
        entry.element.dataset.tone = shown.tone;
      } else {
        delete entry.element.dataset.tone;
      }
      if (entry.bar) setMeter(entry.bar, shown.fraction);
    }
  }
}
