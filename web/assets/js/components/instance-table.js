// The Instances page's table: sort by any column, pages of 50, status badges, "started 3 min
// ago" that keeps ticking, and (for operators) a Stop button on running instances. Rows are
// keyed by instance id and updated in place, so a button under the pointer survives the live
// updates; instances that arrive live flash once.
import { h, setText } from '../lib/dom.js';
import { formatAgo, formatInteger, parseTime } from '../lib/format.js';

const PAGE_SIZE = 50;

// The number of "i-<n>" (ids are strings chosen by the master), so i-10 sorts after i-9.
function idNumber(id) {
  const match = /(\d+)$/.exec(String(id));
  return match ? Number(match[1]) : 0;
}

const COLUMNS = [
  { key: 'id', label: 'ID', value: (i) => idNumber(i.id) },
  { key: 'region', label: 'Region', value: (i) => i.region || '' },
  { key: 'spawner', label: 'Spawner', numeric: true, value: (i) => Number(i.spawner_id) || 0 },
  { key: 'address', label: 'Address', value: (i) => i.address || `${i.host}:${i.port}` },
  { key: 'status', label: 'Status', value: (i) => i.status || '' },
  { key: 'source', label: 'Source', value: (i) => i.source || '' },
  { key: 'started', label: 'Started', value: (i) => parseTime(i.started_at) || 0 },
];

const STATUS_BADGE = { running: 'badge badge-ok', stopped: 'badge', gone: 'badge badge-warn' };
const STATUS_TEXT = { running: 'Running', stopped: 'Stopped', gone: 'Gone' };
const SOURCE_TEXT = { allocation: 'Allocation', spawn: 'Spawn', adopted: 'Adopted' };

function compare(a, b) {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b), undefined, { numeric: true, sensitivity: 'base' });
}

export class InstanceTable {
  /**
   * `root`: the card element to fill; `store`: an InstanceStore; `canOperate`: show Stop;
   * `onStop(instance)`: the Stop button's action; `toolbar`: filter controls for the header.
   */
  constructor(root, { store, canOperate, onStop, toolbar }) {
    this.root = root;
    this.store = store;
    this.canOperate = canOperate;
    this.onStop = onStop;
    this.sortKey = 'started';
    this.sortDirection = -1;
    this.page = 0;
    this.rows = new Map();
    this.visible = [];
    this.flashIds = new Set();
    this.renderQueued = false;
    this.build(toolbar);
    store.subscribe((change) => {
      if (!change.replaced) for (const id of change.upserted || []) this.flashIds.add(id);
      this.scheduleRender();
    });
    setInterval(() => this.tickTimes(), 1000);
  }

  build(toolbar) {
    this.count = h('span', { className: 'muted', attrs: { 'data-testid': 'instance-count' } });
    this.headRow = h('tr');
    for (const column of COLUMNS) {
      this.headRow.append(h('th', {
        className: column.numeric ? 'num' : '',
        attrs: { scope: 'col', 'data-key': column.key },
      }, h('button', { className: 'sort', type: 'button', text: column.label, on: { click: () => this.sortBy(column.key) } })));
    }
    if (this.canOperate) this.headRow.append(h('th', { className: 'num', attrs: { scope: 'col' }, text: 'Actions' }));
    this.body = h('tbody', { attrs: { 'data-testid': 'instance-rows' } });
    this.previous = h('button', { className: 'btn btn-sm', type: 'button', text: '← Previous', on: { click: () => this.turn(-1) } });
    this.next = h('button', { className: 'btn btn-sm', type: 'button', text: 'Next →', on: { click: () => this.turn(1) } });
    this.pageLabel = h('span');
    this.root.replaceChildren(
      h('div', { className: 'card-header' }, h('h2', { text: 'Instances' }), toolbar, this.count),
      h('div', { className: 'table-wrap' },
        h('table', { className: 'data', attrs: { 'data-testid': 'instance-table' } },
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
      this.sortDirection = key === 'started' ? -1 : 1;
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

  render() {
    const all = this.store.all();
    const column = COLUMNS.find((entry) => entry.key === this.sortKey);
    all.sort((a, b) => compare(column.value(a), column.value(b)) * this.sortDirection ||
      idNumber(a.id) - idNumber(b.id));
    const pages = Math.max(1, Math.ceil(all.length / PAGE_SIZE));
    this.page = Math.min(Math.max(this.page, 0), pages - 1);
    const start = this.page * PAGE_SIZE;
    this.visible = all.slice(start, start + PAGE_SIZE);

    const rows = this.visible.map((instance) => this.rowFor(instance));
    if (rows.length === 0) {
      const message = !this.store.available
        ? 'Instance tracking is not enabled on this master (the game-instances plugin).'
        : !this.store.loaded ? 'Loading instances…' : 'No instance matches these filters.';
      rows.push(h('tr', { className: 'empty-row' },
        h('td', { attrs: { colspan: COLUMNS.length + (this.canOperate ? 1 : 0) }, text: message })));
    }
    this.body.replaceChildren(...rows);
    for (const id of this.rows.keys()) {
      if (!this.store.instances.has(id)) this.rows.delete(id);
    }
    this.flashIds.clear();
    setText(this.count, `${formatInteger(all.length)} ${all.length === 1 ? 'instance' : 'instances'}`);
    setText(this.pageLabel, all.length === 0 ? 'No rows'
      : `Rows ${formatInteger(start + 1)}–${formatInteger(start + this.visible.length)} of ${formatInteger(all.length)}`);
    this.previous.disabled = this.page === 0;
    this.next.disabled = this.page >= pages - 1;
  }

  rowFor(instance) {
    let row = this.rows.get(instance.id);
    if (!row) {
      row = this.createRow(instance.id);
      this.rows.set(instance.id, row);
    }
    this.fillRow(row, instance);
    if (this.flashIds.has(instance.id)) {
      row.element.classList.remove('flash');
      void row.element.offsetWidth;  // restarts the animation
      row.element.classList.add('flash');
    }
    return row.element;
  }

  createRow(id) {
    const cells = {
      id: h('td', { className: 'mono' }),
      region: h('td', { attrs: { 'data-testid': 'instance-region' } }),
      spawner: h('td', { className: 'num mono' }),
      address: h('td', { className: 'mono', attrs: { 'data-testid': 'instance-address' } }),
      status: h('td'),
      source: h('td', { className: 'muted' }),
      started: h('td', { className: 'muted' }),
    };
    const status = h('span', { className: 'badge', attrs: { 'data-testid': 'instance-status' } });
    cells.status.append(status);
    const element = h('tr', { dataset: { id }, attrs: { 'data-testid': 'instance-row' } },
      ...Object.values(cells));
    const row = { element, cells, status, instance: null, startedMs: NaN, stop: null };
    if (this.canOperate) {
      row.stop = h('button', {
        className: 'btn btn-sm btn-danger', type: 'button', text: 'Stop',
        attrs: { 'data-testid': 'stop-button' },
        on: { click: () => this.onStop(row.instance) },
      });
      element.append(h('td', {}, h('div', { className: 'actions' }, row.stop)));
    }
    return row;
  }

  fillRow(row, instance) {
    row.instance = instance;
    const { cells } = row;
    setText(cells.id, instance.id);
    setText(cells.region, instance.region || '—');
    setText(cells.spawner, instance.spawner_id ?? '—');
    setText(cells.address, instance.address || `${instance.host}:${instance.port}`);
    setText(row.status, STATUS_TEXT[instance.status] || instance.status || '—');
    row.status.className = STATUS_BADGE[instance.status] || 'badge';
    row.element.dataset.status = instance.status || '';
    setText(cells.source, SOURCE_TEXT[instance.source] || instance.source || '—');
    row.startedMs = parseTime(instance.started_at);
    setText(cells.started, formatAgo(row.startedMs));
    cells.started.title = instance.started_at || '';
    if (row.stop) row.stop.hidden = instance.status !== 'running';
  }

  tickTimes() {
    const now = Date.now();
    for (const instance of this.visible) {
      const row = this.rows.get(instance.id);
      if (row) setText(row.cells.started, formatAgo(row.startedMs, now));
    }
  }
}
