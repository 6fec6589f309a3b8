// The spawner table: search, region and health filters, sort by any column, pages of 50,
// health badges, capacity bars, "last seen 3 s ago" that keeps ticking, and (for operators)
// spawn and delete actions. Sorting, pages and in-place rows are PagedTable's.
import { h, setMeter, setText } from '../lib/dom.js';
import { formatAgo, formatInteger, parseTime } from '../lib/format.js';
import { PagedTable, compareValues } from './paged-table.js';

const COLUMNS = [
  { key: 'id', label: 'ID', numeric: true, value: (s) => s.id },
  { key: 'region', label: 'Region', value: (s) => s.region || '' },
  { key: 'address', label: 'Address', value: (s) => `${s.host}:${s.port}` },
  { key: 'status', label: 'Status', value: (s) => s.status || '' },
  { key: 'health', label: 'Health', value: (s) => s.health || '' },
  { key: 'instances', label: 'Instances', value: (s) => (s.current_instances || 0) * 1e6 + (s.max_instances || 0) },
  { key: 'last_seen', label: 'Last seen', value: (s) => parseTime(s.last_seen) || 0 },
];

export class SpawnerTable extends PagedTable {
  /**
   * `root`: the card element holding the table; `store`: a SpawnerStore; `canOperate`: show
   * actions; `onSpawn(spawner)`, `onDelete(spawner)`: action callbacks.
   */
  constructor(root, { store, canOperate, onSpawn, onDelete }) {
    const search = h('input', {
      type: 'search',
      placeholder: 'Search id, region, host, status…',
      attrs: { 'aria-label': 'Search spawners', 'data-testid': 'spawner-search' },
    });
    const regionSelect = h('select', { attrs: { 'aria-label': 'Region', 'data-testid': 'region-filter' } },
      h('option', { value: '', text: 'All regions' }));
    const healthSelect = h('select', { attrs: { 'aria-label': 'Health', 'data-testid': 'health-filter' } },
      h('option', { value: '', text: 'Any health' }), h('option', { value: 'healthy', text: 'Healthy' }),
      h('option', { value: 'suspect', text: 'Suspect' }));
    super(root, {
      title: 'Spawners',
      toolbar: h('div', { className: 'toolbar grow' }, search, regionSelect, healthSelect),
      columns: COLUMNS,
      sortKey: 'id',
      newestFirst: ['last_seen'],
      canOperate,
      nouns: ['spawner', 'spawners'],
      testIds: { table: 'spawner-table', rows: 'spawner-rows', count: 'spawner-count' },
    });
    this.store = store;
    this.onSpawn = onSpawn;
    this.onDelete = onDelete;
    this.search = search;
    this.regionSelect = regionSelect;
    this.healthSelect = healthSelect;
    this.query = '';
    this.region = '';
    this.health = '';
    this.knownRegions = '';
    search.addEventListener('input', () => { this.query = search.value.trim().toLowerCase(); this.page = 0; this.scheduleRender(); });
    regionSelect.addEventListener('change', () => { this.region = regionSelect.value; this.page = 0; this.scheduleRender(); });
    healthSelect.addEventListener('change', () => { this.health = healthSelect.value; this.page = 0; this.scheduleRender(); });
    store.subscribe((change) => {
      this.flash(change.upserted);
      this.scheduleRender();
    });
    this.render();
  }

  matches(spawner) {
    if (this.region && spawner.region !== this.region) return false;
    if (this.health && spawner.health !== this.health) return false;
    if (!this.query) return true;
    const haystack = `${spawner.id} ${spawner.region} ${spawner.host}:${spawner.port} ${spawner.status}`.toLowerCase();
    return haystack.includes(this.query);
  }

  updateRegions(all) {
    const regions = Array.from(new Set(all.map((s) => s.region || ''))).filter(Boolean).sort(compareValues);
    const signature = regions.join('\u0000');
    if (signature === this.knownRegions) return;
    this.knownRegions = signature;
    const selected = this.regionSelect.value;
    this.regionSelect.replaceChildren(h('option', { value: '', text: 'All regions' }),
      ...regions.map((region) => h('option', { value: region, text: region })));
    this.regionSelect.value = regions.includes(selected) ? selected : '';
    this.region = this.regionSelect.value;
  }

  items() {
    const all = this.store.all();
    this.updateRegions(all);
    return { all, shown: all.filter((spawner) => this.matches(spawner)) };
  }

  emptyMessage(all) {
    if (!this.store.available) return 'The spawner registry is not enabled on this master.';
    if (!this.store.loaded) return 'Loading spawners…';
    return all.length === 0 ? 'No spawners are registered yet.' : 'No spawner matches these filters.';
  }

  isGone(id) {
    return !this.store.spawners.has(id);
  }

  createRow(id) {
    const cells = {
      id: h('td', { className: 'num mono' }),
      region: h('td', { attrs: { 'data-testid': 'spawner-region' } }),
      address: h('td', { className: 'mono' }),
      status: h('td'),
      health: h('td'),
      instances: h('td'),
      lastSeen: h('td', { className: 'muted' }),
    };
    const health = h('span', { className: 'badge' });
    cells.health.append(health);
    const bar = h('div', { className: 'meter' });
    const count = h('span', { className: 'count' });
    cells.instances.append(h('div', { className: 'capacity' }, bar, count));
    const element = h('tr', { dataset: { id }, attrs: { 'data-testid': 'spawner-row' } },
      cells.id, cells.region, cells.address, cells.status, cells.health, cells.instances, cells.lastSeen);
    const row = { element, cells, health, bar, count, spawner: null };
    if (this.canOperate) {
      const spawn = h('button', {
        className: 'btn btn-sm', type: 'button', text: 'Spawn',
        attrs: { 'data-testid': 'spawn-button' },
        on: { click: () => this.onSpawn(row.spawner) },
      });
      const remove = h('button', {
        className: 'btn btn-sm btn-danger', type: 'button', text: 'Delete',
        attrs: { 'data-testid': 'delete-button' },
        on: { click: () => this.onDelete(row.spawner) },
      });
      element.append(h('td', {}, h('div', { className: 'actions' }, spawn, remove)));
    }
    return row;
  }

  fillRow(row, spawner) {
    row.spawner = spawner;
    const { cells } = row;
    setText(cells.id, spawner.id);
    setText(cells.region, spawner.region || '—');
    setText(cells.address, `${spawner.host}:${spawner.port}`);
    setText(cells.status, spawner.status || '—');
    const suspect = spawner.health === 'suspect';
    setText(row.health, suspect ? 'Suspect' : 'Healthy');
    row.health.className = suspect ? 'badge badge-warn' : 'badge badge-ok';
    row.health.title = suspect ? 'No heartbeat for a while: it may be gone' : 'Heartbeats arrive on time';
    const current = spawner.current_instances || 0;
    const max = spawner.max_instances || 0;
    setMeter(row.bar, max > 0 ? current / max : 0);
    setText(row.count, `${formatInteger(current)} / ${formatInteger(max)}`);
    row.lastSeenMs = parseTime(spawner.last_seen);
    setText(cells.lastSeen, formatAgo(row.lastSeenMs));
    cells.lastSeen.title = spawner.last_seen || '';
  }

  tickRow(row, now) {
    setText(row.cells.lastSeen, formatAgo(row.lastSeenMs, now));
  }
}
