// The spawner table: search, region and health filters, sort by any column, pages of 50,
// health badges, capacity bars, "last seen 3 s ago" that keeps ticking, and (for operators)
// spawn and delete actions. Rows are keyed by id and updated in place, so a button under the
// pointer survives the live updates.
import { h, setMeter, setText } from '../lib/dom.js';
import { formatAgo, formatInteger, parseTime } from '../lib/format.js';

const PAGE_SIZE = 50;

const COLUMNS = [
  { key: 'id', label: 'ID', numeric: true, value: (s) => s.id },
  { key: 'region', label: 'Region', value: (s) => s.region || '' },
  { key: 'address', label: 'Address', value: (s) => `${s.host}:${s.port}` },
  { key: 'status', label: 'Status', value: (s) => s.status || '' },
  { key: 'health', label: 'Health', value: (s) => s.health || '' },
  { key: 'instances', label: 'Instances', value: (s) => (s.current_instances || 0) * 1e6 + (s.max_instances || 0) },
  { key: 'last_seen', label: 'Last seen', value: (s) => parseTime(s.last_seen) || 0 },
];

function compare(a, b) {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b), undefined, { numeric: true, sensitivity: 'base' });
}

export class SpawnerTable {
  /**
   * `root`: the card element holding the table; `store`: a SpawnerStore; `canOperate`: show
   * actions; `onSpawn(spawner)`, `onDelete(spawner)`: action callbacks.
   */
  constructor(root, { store, canOperate, onSpawn, onDelete }) {
    this.root = root;
    this.store = store;
    this.canOperate = canOperate;
    this.onSpawn = onSpawn;
    this.onDelete = onDelete;
    this.sortKey = 'id';
    this.sortDirection = 1;
    this.query = '';
    this.region = '';
    this.health = '';
    this.page = 0;
    this.rows = new Map();
    this.visible = [];
    this.renderQueued = false;
    this.knownRegions = '';
    this.flashIds = new Set();
    this.build();
    store.subscribe((change) => {
      for (const id of change.upserted || []) this.flashIds.add(id);
      this.scheduleRender();
    });
    setInterval(() => this.tickTimes(), 1000);
  }

  build() {
    this.search = h('input', {
      type: 'search',
      placeholder: 'Search id, region, host, status…',
      attrs: { 'aria-label': 'Search spawners', 'data-testid': 'spawner-search' },
      on: { input: () => { this.query = this.search.value.trim().toLowerCase(); this.page = 0; this.scheduleRender(); } },
    });
    this.regionSelect = h('select', {
      attrs: { 'aria-label': 'Region', 'data-testid': 'region-filter' },
      on: { change: () => { this.region = this.regionSelect.value; this.page = 0; this.scheduleRender(); } },
    }, h('option', { value: '', text: 'All regions' }));
    this.healthSelect = h('select', {
      attrs: { 'aria-label': 'Health', 'data-testid': 'health-filter' },
      on: { change: () => { this.health = this.healthSelect.value; this.page = 0; this.scheduleRender(); } },
    }, h('option', { value: '', text: 'Any health' }), h('option', { value: 'healthy', text: 'Healthy' }),
    h('option', { value: 'suspect', text: 'Suspect' }));
    this.count = h('span', { className: 'muted', attrs: { 'data-testid': 'spawner-count' } });

    this.headRow = h('tr');
    for (const column of COLUMNS) {
      const button = h('button', {
        className: 'sort',
        type: 'button',
        text: column.label,
        on: { click: () => this.sortBy(column.key) },
      });
      this.headRow.append(h('th', {
        className: column.numeric ? 'num' : '',
        attrs: { scope: 'col', 'data-key': column.key },
      }, button));
    }
    if (this.canOperate) this.headRow.append(h('th', { className: 'num', attrs: { scope: 'col' }, text: 'Actions' }));
    this.body = h('tbody', { attrs: { 'data-testid': 'spawner-rows' } });
    this.previous = h('button', { className: 'btn btn-sm', type: 'button', text: '← Previous', on: { click: () => this.turn(-1) } });
    this.next = h('button', { className: 'btn btn-sm', type: 'button', text: 'Next →', on: { click: () => this.turn(1) } });
    this.pageLabel = h('span');

    this.root.replaceChildren(
      h('div', { className: 'card-header' },
        h('h2', { text: 'Spawners' }),
        h('div', { className: 'toolbar grow' }, this.search, this.regionSelect, this.healthSelect),
        this.count),
      h('div', { className: 'table-wrap' },
        h('table', { className: 'data', attrs: { 'data-testid': 'spawner-table' } },
          h('thead', {}, this.headRow), this.body)),
      h('div', { className: 'pager' }, this.pageLabel, h('div', { className: 'actions' }, this.previous, this.next)));
    this.updateSortHeaders();
    this.render();
  }

  sortBy(key) {
    if (this.sortKey === key) {
      this.sortDirection = -this.sortDirection;
    } else {
      this.sortKey = key;
      this.sortDirection = key === 'last_seen' ? -1 : 1;
    }
    this.updateSortHeaders();
    this.scheduleRender();
  }

  updateSortHeaders() {
    for (const th of this.headRow.querySelectorAll('th[data-key]')) {
      const active = th.dataset.key === this.sortKey;
      th.setAttribute('aria-sort', active ? (this.sortDirection > 0 ? 'ascending' : 'descending') : 'none');
    }
  }

  turn(step) {
    this.page += step;
    this.render();
  }

  scheduleRender() {
    if (this.renderQueued) return;
    this.renderQueued = true;
    requestAnimationFrame(() => {
      this.renderQueued = false;
      this.render();
    });
  }

  matches(spawner) {
    if (this.region && spawner.region !== this.region) return false;
    if (this.health && spawner.health !== this.health) return false;
    if (!this.query) return true;
    const haystack = `${spawner.id} ${spawner.region} ${spawner.host}:${spawner.port} ${spawner.status}`.toLowerCase();
    return haystack.includes(this.query);
  }

  updateRegions(all) {
    const regions = Array.from(new Set(all.map((s) => s.region || ''))).filter(Boolean).sort(compare);
    const signature = regions.join('\u0000');
    if (signature === this.knownRegions) return;
    this.knownRegions = signature;
    const selected = this.regionSelect.value;
    this.regionSelect.replaceChildren(h('option', { value: '', text: 'All regions' }),
      ...regions.map((region) => h('option', { value: region, text: region })));
    this.regionSelect.value = regions.includes(selected) ? selected : '';
    this.region = this.regionSelect.value;
  }

  render() {
    const all = this.store.all();
    this.updateRegions(all);
    const column = COLUMNS.find((entry) => entry.key === this.sortKey);
    const filtered = all.filter((spawner) => this.matches(spawner));
    filtered.sort((a, b) => compare(column.value(a), column.value(b)) * this.sortDirection || a.id - b.id);

    const pages = Math.max(1, Math.ceil(filtered.length / PAGE_SIZE));
    this.page = Math.min(Math.max(this.page, 0), pages - 1);
    const start = this.page * PAGE_SIZE;
    this.visible = filtered.slice(start, start + PAGE_SIZE);

    const rows = this.visible.map((spawner) => this.rowFor(spawner));
    if (rows.length === 0) {
      const message = !this.store.available
        ? 'The spawner registry is not enabled on this master.'
        : !this.store.loaded ? 'Loading spawners…'
          : all.length === 0 ? 'No spawners are registered yet.' : 'No spawner matches these filters.';
      rows.push(h('tr', { className: 'empty-row' },
        h('td', { attrs: { colspan: COLUMNS.length + (this.canOperate ? 1 : 0) }, text: message })));
    }
    this.body.replaceChildren(...rows);
    for (const id of this.rows.keys()) {
      if (!this.store.spawners.has(id)) this.rows.delete(id);
    }
    this.flashIds.clear();

    const noun = all.length === 1 ? 'spawner' : 'spawners';
    setText(this.count, filtered.length === all.length
      ? `${formatInteger(all.length)} ${noun}`
      : `${formatInteger(filtered.length)} of ${formatInteger(all.length)} ${noun}`);
    setText(this.pageLabel, filtered.length === 0 ? 'No rows'
      : `Rows ${formatInteger(start + 1)}–${formatInteger(start + this.visible.length)} of ${formatInteger(filtered.length)}`);
    this.previous.disabled = this.page === 0;
    this.next.disabled = this.page >= pages - 1;
  }

  rowFor(spawner) {
    let row = this.rows.get(spawner.id);
    if (!row) {
      row = this.createRow(spawner.id);
      this.rows.set(spawner.id, row);
    }
    this.fillRow(row, spawner);
    if (this.flashIds.has(spawner.id)) {
      row.element.classList.remove('flash');
      void row.element.offsetWidth;  // restarts the animation
      row.element.classList.add('flash');
    }
    return row.element;
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

  tickTimes() {
    const now = Date.now();
    for (const spawner of this.visible) {
      const row = this.rows.get(spawner.id);
      if (row) setText(row.cells.lastSeen, formatAgo(row.lastSeenMs, now));
    }
  }
}
