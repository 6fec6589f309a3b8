// The fleet overview's capacity per region, from GET /api/regions (the game-instances
// plugin): spawners (healthy of all), capacity, used, reserved (allocations in flight) and
// free slots, with a bar of used / capacity. Hidden when the master has no instance tracking.
import { h, setMeter, setText } from '../lib/dom.js';
import { formatInteger } from '../lib/format.js';

const NUMBERS = [
  { key: 'capacity', label: 'Capacity' },
  { key: 'used', label: 'Used' },
  { key: 'reserved', label: 'Reserved' },
  { key: 'free', label: 'Free' },
];

/** The fraction of a region's capacity in use (used and reserved slots), 0 without capacity. */
export function usedFraction(region) {
  const capacity = Number(region.capacity) || 0;
  if (capacity <= 0) return 0;
  return ((Number(region.used) || 0) + (Number(region.reserved) || 0)) / capacity;
}

/** Sums of a region list, for the table's footer. */
export function regionTotals(regions) {
  const totals = { spawners: 0, healthy: 0, capacity: 0, used: 0, reserved: 0, free: 0 };
  for (const region of regions) {
    for (const key of Object.keys(totals)) totals[key] += Number(region[key]) || 0;
  }
  return totals;
}

export class RegionCapacity {
  /** `root`: the card element to fill; `section`: what to hide when there is no tracking. */
  constructor(root, { section = root } = {}) {
    this.root = root;
    this.section = section;
    this.rows = new Map();
    this.body = h('tbody', { attrs: { 'data-testid': 'region-rows' } });
    this.footer = h('tfoot');
    this.summary = h('span', { className: 'muted', attrs: { 'data-testid': 'region-count' } });
    const head = h('tr', {},
      h('th', { attrs: { scope: 'col' }, text: 'Region' }),
      h('th', { className: 'num', attrs: { scope: 'col' }, text: 'Spawners' }),
      ...NUMBERS.map((column) => h('th', { className: 'num', attrs: { scope: 'col' }, text: column.label })),
      h('th', { attrs: { scope: 'col' }, text: 'In use' }));
    root.replaceChildren(
      h('div', { className: 'card-header' }, h('h2', { text: 'Capacity by region' }), this.summary),
      h('div', { className: 'table-wrap' },
        h('table', { className: 'data', attrs: { 'data-testid': 'region-table' } },
          h('thead', {}, head), this.body, this.footer)));
    this.show([]);
  }

  /** `regions`: the /api/regions array, or null when the master has no instance tracking. */
  show(regions) {
    this.section.hidden = regions === null;
    if (regions === null) return;
    const rows = regions.map((region) => this.rowFor(region));
    if (rows.length === 0) {
      rows.push(h('tr', { className: 'empty-row' },
        h('td', { attrs: { colspan: NUMBERS.length + 3 }, text: 'No spawner has registered a region yet.' })));
    }
    this.body.replaceChildren(...rows);
    const present = new Set(regions.map((region) => region.region));
    for (const name of this.rows.keys()) {
      if (!present.has(name)) this.rows.delete(name);
    }
    const totals = regionTotals(regions);
    this.footer.replaceChildren(regions.length < 2 ? h('tr', { hidden: true }) : h('tr', { attrs: { 'data-testid': 'region-totals' } },
      h('th', { attrs: { scope: 'row' }, text: 'All regions' }),
      h('td', { className: 'num', text: `${formatInteger(totals.healthy)} / ${formatInteger(totals.spawners)}` }),
      ...NUMBERS.map((column) => h('td', { className: 'num', text: formatInteger(totals[column.key]) })),
      h('td', {}, h('div', { className: 'capacity' }, this.meterFor(usedFraction(totals))))));
    setText(this.summary, `${formatInteger(totals.free)} free of ${formatInteger(totals.capacity)}`);
  }

  meterFor(fraction) {
    const bar = h('div', { className: 'meter' });
    setMeter(bar, fraction);
    return bar;
  }

  rowFor(region) {
    let row = this.rows.get(region.region);
    if (!row) {
      const cells = {
        region: h('th', { attrs: { scope: 'row', 'data-testid': 'region-name' } }),
        spawners: h('td', { className: 'num', attrs: { 'data-testid': 'region-spawners' } }),
      };
      for (const column of NUMBERS) {
        cells[column.key] = h('td', { className: 'num', attrs: { 'data-testid': `region-${column.key}` } });
      }
      const bar = h('div', { className: 'meter' });
      const element = h('tr', { dataset: { region: region.region }, attrs: { 'data-testid': 'region-row' } },
        ...Object.values(cells), h('td', {}, h('div', { className: 'capacity' }, bar)));
      row = { element, cells, bar };
      this.rows.set(region.region, row);
    }
    setText(row.cells.region, region.region || '—');
    setText(row.cells.spawners, `${formatInteger(region.healthy)} / ${formatInteger(region.spawners)}`);
    row.cells.spawners.title = 'healthy / registered';
    for (const column of NUMBERS) setText(row.cells[column.key], formatInteger(region[column.key]));
    setMeter(row.bar, usedFraction(region));
    row.element.dataset.full = Number(region.free) > 0 ? 'false' : 'true';
    return row.element;
  }
}
