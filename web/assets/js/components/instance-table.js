// The Instances page's table: sort by any column, pages of 50, status badges, "started 3 min
// ago" that keeps ticking, and (for operators) a Stop button on running instances; instances
// that arrive live flash once. Sorting, pages and in-place rows are PagedTable's.
import { h, setText } from '../lib/dom.js';
import { formatAgo, parseTime } from '../lib/format.js';
import { PagedTable } from './paged-table.js';

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

export class InstanceTable extends PagedTable {
  /**
   * `root`: the card element to fill; `store`: an InstanceStore; `canOperate`: show Stop;
   * `onStop(instance)`: the Stop button's action; `toolbar`: the filter controls.
   */
  constructor(root, { store, canOperate, onStop, toolbar }) {
    super(root, {
      title: 'Instances',
      toolbar,
      columns: COLUMNS,
      sortKey: 'started',
      newestFirst: ['started'],
      canOperate,
      nouns: ['instance', 'instances'],
      testIds: { table: 'instance-table', rows: 'instance-rows', count: 'instance-count' },
    });
    this.store = store;
    this.onStop = onStop;
    store.subscribe((change) => {
      if (!change.replaced) this.flash(change.upserted);
      this.scheduleRender();
    });
    this.render();
  }

  items() {
    const all = this.store.all();
    return { all, shown: all };
  }

  tieBreak(a, b) {
    return idNumber(a.id) - idNumber(b.id);
  }

  emptyMessage() {
    if (!this.store.available) return 'Instance tracking is not enabled on this master (the game-instances plugin).';
    return this.store.loaded ? 'No instance matches these filters.' : 'Loading instances…';
  }

  isGone(id) {
    return !this.store.instances.has(id);
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
    const element = h('tr', { dataset: { id }, attrs: { 'data-testid': 'instance-row' } }, ...Object.values(cells));
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

  tickRow(row, now) {
    setText(row.cells.started, formatAgo(row.startedMs, now));
  }
}
