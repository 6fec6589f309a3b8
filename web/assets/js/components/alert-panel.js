// The alerts section of the fleet overview: what is firing now and the latest messages with how
// each webhook delivery went. Polls GET /api/alerts (alerts are rare; a stream would add
// nothing), and hides itself when the alerts plugin is not enabled (404).
import { h, setText } from '../lib/dom.js';
import { describeError } from '../lib/api.js';
import { alertBadge, alertStateText, alertsHeadline, deliveryText, deliveryTone } from '../lib/alerts.js';
import { formatDateTime, formatTime } from '../lib/format.js';
import { pollOptional } from '../lib/optional-poll.js';

const POLL_MS = 10000;
const SHOWN = 10;

// Plain text when every delivery went well; a coloured badge when one is late or lost.
function deliveryCell(message) {
  const tone = deliveryTone(message);
  const text = deliveryText(message);
  if (!tone) return text;
  return h('span', { className: `badge plain ${tone === 'bad' ? 'badge-bad' : 'badge-warn'}`, text });
}

export class AlertPanel {
  constructor(root) {
    this.root = root;
    this.headline = h('span', { className: 'badge', attrs: { 'data-testid': 'alerts-headline' } });
    this.note = h('p', { className: 'card-body muted', hidden: true });
    this.rows = h('tbody', { attrs: { 'data-testid': 'alert-rows' } });
    root.replaceChildren(
      h('h2', { className: 'section-title', text: 'Alerts' }),
      h('div', { className: 'card' },
        h('div', { className: 'card-header' }, h('h2', { text: 'Recent alerts' }), this.headline),
        this.note,
        h('div', { className: 'table-wrap' },
          h('table', { className: 'data' },
            h('thead', {}, h('tr', {},
              h('th', { text: 'Time' }), h('th', { text: 'Alert' }), h('th', { text: 'State' }),
              h('th', { text: 'Summary' }), h('th', { text: 'Delivery' }))),
            this.rows))));
  }

  start() {
    pollOptional(`/api/alerts?limit=${SHOWN}`, POLL_MS, {
      onAnswer: (answer) => {
        this.root.hidden = false;
        this.note.hidden = true;
        this.render(answer);
      },
      onAbsent: () => { this.root.hidden = true; },  // no alerts plugin
      onError: (error) => {
        this.root.hidden = false;
        this.note.hidden = false;
        setText(this.note, `Alerts unavailable: ${describeError(error)}`);
      },
    });
  }

  render(answer) {
    const headline = alertsHeadline(answer.active);
    this.headline.className = `badge ${headline.badge}`;
    setText(this.headline, headline.text);
    const recent = Array.isArray(answer.recent) ? answer.recent : [];
    if (recent.length === 0) {
      this.rows.replaceChildren(h('tr', { className: 'empty-row' },
        h('td', { attrs: { colspan: 5 }, text: 'No alerts yet.' })));
      return;
    }
    this.rows.replaceChildren(...recent.map((message) => h('tr',
      { dataset: { id: message.id, alert: message.alert }, attrs: { 'data-testid': 'alert-row' } },
      h('td', { className: 'muted', text: formatTime(message.time), title: formatDateTime(message.time) }),
      h('td', { className: 'mono', text: message.alert, title: message.key }),
      h('td', {}, h('span', { className: `badge ${alertBadge(message)}`, text: alertStateText(message) })),
      h('td', { className: 'wrap', text: message.summary }),
      h('td', { className: 'wrap' }, deliveryCell(message)))));
  }
}
