// The "Cluster" section of the fleet overview: every master sharing this one's database, with
// its health, when it was last seen, its version and the leases it holds, and the database's
// own health. Polls GET /api/cluster (served by postgres-store) and hides itself when the
// master runs alone (404), like the alerts section.
import { h, setText } from '../lib/dom.js';
import { describeError } from '../lib/api.js';
import { clusterHeadline, clusterRows, databaseStatus } from '../lib/cluster.js';
import { pollOptional } from '../lib/optional-poll.js';

// Masters heartbeat their row every second and count as healthy when seen within 5 s.
const POLL_MS = 5000;

export class ClusterPanel {
  /** `onAnswer(answer | null)` hears every answer (null: no cluster), to name this master. */
  constructor(root, { onAnswer = () => {} } = {}) {
    this.root = root;
    this.onAnswer = onAnswer;
    this.headline = h('span', { className: 'badge', attrs: { 'data-testid': 'cluster-headline' } });
    this.database = h('span', { className: 'badge', attrs: { 'data-testid': 'cluster-database' } });
    this.note = h('p', { className: 'card-body muted', hidden: true, attrs: { 'data-testid': 'cluster-note' } });
    this.rows = h('tbody', { attrs: { 'data-testid': 'cluster-rows' } });
    root.replaceChildren(
      h('h2', { className: 'section-title', text: 'Cluster' }),
      h('div', { className: 'card' },
        h('div', { className: 'card-header' }, h('h2', { text: 'Masters' }),
          h('span', {}, this.database, ' ', this.headline)),
        this.note,
        h('div', { className: 'table-wrap' },
          h('table', { className: 'data', attrs: { 'data-testid': 'cluster-table' } },
            h('thead', {}, h('tr', {},
              h('th', { attrs: { scope: 'col' }, text: 'Master' }),
              h('th', { attrs: { scope: 'col' }, text: 'Address' }),
              h('th', { attrs: { scope: 'col' }, text: 'Health' }),
              h('th', { attrs: { scope: 'col' }, text: 'Last seen' }),
              h('th', { attrs: { scope: 'col' }, text: 'Version' }),
              h('th', { attrs: { scope: 'col' }, text: 'Started' }),
              h('th', { attrs: { scope: 'col' }, text: 'Leases' }))),
            this.rows))));
  }

  start() {
    pollOptional('/api/cluster', POLL_MS, {
      onAnswer: (answer) => {
        this.root.hidden = false;
        this.render(answer);
        this.onAnswer(answer);
      },
      onAbsent: () => {  // one master, no shared database
        this.root.hidden = true;
        this.onAnswer(null);
      },
      onError: (error) => {
        // Keep the last rows: they say what was known; the note says they may be stale.
        this.root.hidden = false;
        this.note.hidden = false;
        setText(this.note, `Cluster state unavailable: ${describeError(error)}`);
      },
    });
  }

  render(answer) {
    const headline = clusterHeadline(answer);
    this.headline.className = `badge ${headline.badge}`;
    setText(this.headline, headline.text);
    const database = databaseStatus(answer.database);
    this.database.className = `badge ${database.badge}`;
    setText(this.database, database.text);
    this.database.title = database.detail;
    this.note.hidden = !database.detail;
    setText(this.note, database.detail ? `Database: ${database.detail}` : '');
    const rows = clusterRows(answer);
    if (rows.length === 0) {
      this.rows.replaceChildren(h('tr', { className: 'empty-row' },
        h('td', { attrs: { colspan: 7 }, text: 'No master has reported yet.' })));
      return;
    }
    this.rows.replaceChildren(...rows.map((row) => h('tr',
      { dataset: { name: row.name }, attrs: { 'data-testid': 'cluster-row', 'aria-current': row.thisHost ? 'true' : null } },
      h('td', { className: 'mono' }, row.name, row.thisHost ? ' ' : null,
        row.thisHost ? h('span', { className: 'badge badge-info plain', text: 'this master' }) : null),
      h('td', { className: 'mono', text: row.address }),
      h('td', {}, h('span', { className: `badge ${row.healthBadge}`, text: row.health })),
      h('td', { className: 'muted', text: row.lastSeen, title: row.lastSeenTitle }),
      h('td', { className: 'mono', text: row.version }),
      h('td', { className: 'muted', text: row.started }),
      h('td', { className: 'wrap', text: row.leases }))));
  }
}
