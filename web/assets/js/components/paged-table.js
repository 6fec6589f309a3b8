// What the spawner and instance tables share: a card with a header (title, toolbar, count),
// sortable columns, pages of 50, rows keyed by id and updated in place (a button under the
// pointer survives live updates), a flash on rows that changed live, an empty-table message,
// and a clock that keeps "3 s ago" cells current. A subclass gives the columns and the rows.
import { h, setText } from '../lib/dom.js';
import { formatInteger } from '../lib/format.js';

const PAGE_SIZE = 50;

export function compareValues(a, b) {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b), undefined, { numeric: true, sensitivity: 'base' });
}

export class PagedTable {
  /**
   * `root`: the card element to fill. Options: title, toolbar (an element for the header),
   * columns ([{ key, label, numeric, value(item) }]), sortKey, newestFirst (keys sorted
   * descending on their first click), canOperate (an Actions column), nouns ([one, many]),
   * testIds ({ table, rows, count }).
   */
  constructor(root, { title, toolbar, columns, sortKey, newestFirst = [], canOperate, nouns, testIds }) {
    this.root = root;
    this.columns = columns;
    this.newestFirst = new Set(newestFirst);
    this.canOperate = canOperate;
    this.nouns = nouns;
    this.sortKey = sortKey;
    this.sortDirection = this.newestFirst.has(sortKey) ? -1 : 1;
    this.page = 0;
    this.rows = new Map();
    this.visible = [];
    this.flashIds = new Set();
    this.renderQueued = false;

    this.count = h('span', { className: 'muted', attrs: { 'data-testid': testIds.count } });
    this.headRow = h('tr');
    for (const column of columns) {
      this.headRow.append(h('th', {
        className: column.numeric ? 'num' : '',
        attrs: { scope: 'col', 'data-key': column.key },
      }, h('button', { className: 'sort', type: 'button', text: column.label, on: { click: () => this.sortBy(column.key) } })));
    }
    if (canOperate) this.headRow.append(h('th', { className: 'num', attrs: { scope: 'col' }, text: 'Actions' }));
    this.body = h('tbody', { attrs: { 'data-testid': testIds.rows } });
    this.previous = h('button', { className: 'btn btn-sm', type: 'button', text: '← Previous', on: { click: () => this.turn(-1) } });
    this.next = h('button', { className: 'btn btn-sm', type: 'button', text: 'Next →', on: { click: () => this.turn(1) } });
    this.pageLabel = h('span');
    root.replaceChildren(
      h('div', { className: 'card-header' }, h('h2', { text: title }), toolbar, this.count),
      h('div', { className: 'table-wrap' },
        h('table', { className: 'data', attrs: { 'data-testid': testIds.table } }, h('thead', {}, this.headRow), this.body)),
      h('div', { className: 'pager' }, this.pageLabel, h('div', { className: 'actions' }, this.previous, this.next)));
    this.updateSortHeaders();
    setInterval(() => this.tickTimes(), 1000);
  }

  // ---- for subclasses ----------------------------------------------------------------
  /** Every item, and those the filters keep. */
  items() { return { all: [], shown: [] }; }
  idOf(item) { return item.id; }
  /** Orders items whose sort values are equal. */
  tieBreak(a, b) { return compareValues(this.idOf(a), this.idOf(b)); }
  /** A new row for `id`: { element, ... }. */
  createRow() { throw new Error('createRow'); }
  fillRow() {}
  /** The message of an empty table. */
  emptyMessage() { return 'Nothing to show.'; }
  /** Whether the row of `id` may be forgotten (its item is gone). */
  isGone() { return false; }
  /** Refreshes the time cells of a visible row. */
  tickRow() {}

  // ---- the table ---------------------------------------------------------------------
  sortBy(key) {
    if (this.sortKey === key) {
      this.sortDirection = -this.sortDirection;
    } else {
      this.sortKey = key;
      this.sortDirection = this.newestFirst.has(key) ? -1 : 1;
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

  /** Marks rows to flash at the next render (changed live). */
  flash(ids) {
    for (const id of ids || []) this.flashIds.add(id);
  }

  render() {
    const { all, shown } = this.items();
    const column = this.columns.find((entry) => entry.key === this.sortKey);
    shown.sort((a, b) => compareValues(column.value(a), column.value(b)) * this.sortDirection || this.tieBreak(a, b));
    const pages = Math.max(1, Math.ceil(shown.length / PAGE_SIZE));
    this.page = Math.min(Math.max(this.page, 0), pages - 1);
    const start = this.page * PAGE_SIZE;
    this.visible = shown.slice(start, start + PAGE_SIZE);

    const rows = this.visible.map((item) => this.rowFor(item));
    if (rows.length === 0) {
      rows.push(h('tr', { className: 'empty-row' },
        h('td', { attrs: { colspan: this.columns.length + (this.canOperate ? 1 : 0) }, text: this.emptyMessage(all, shown) })));
    }
    this.body.replaceChildren(...rows);
    for (const id of this.rows.keys()) {
      if (this.isGone(id)) this.rows.delete(id);
    }
    this.flashIds.clear();

    const noun = all.length === 1 ? this.nouns[0] : this.nouns[1];
    setText(this.count, shown.length === all.length
      ? `${formatInteger(all.length)} ${noun}`
      : `${formatInteger(shown.length)} of ${formatInteger(all.length)} ${noun}`);
    setText(this.pageLabel, shown.length === 0 ? 'No rows'
      : `Rows ${formatInteger(start + 1)}–${formatInteger(start + this.visible.length)} of ${formatInteger(shown.length)}`);
    this.previous.disabled = this.page === 0;
    this.next.disabled = this.page >= pages - 1;
  }

  rowFor(item) {
    const id = this.idOf(item);
    let row = this.rows.get(id);
    if (!row) {
      row = this.createRow(id);
      this.rows.set(id, row);
    }
    this.fillRow(row, item);
    if (this.flashIds.has(id)) {
      row.element.classList.remove('flash');
      void row.element.offsetWidth;  // restarts the animation
      row.element.classList.add('flash');
    }
    return row.element;
  }

  tickTimes() {
    const now = Date.now();
    for (const item of this.visible) {
      const row = this.rows.get(this.idOf(item));
      if (row) this.tickRow(row, now);
    }
  }
}
