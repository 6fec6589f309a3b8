// How the alerts of GET /api/alerts read on the dashboard: badges, the delivery line and the
// panel's headline. Pure functions (no DOM), tested under Node.

const SEVERITY_BADGE = { critical: 'badge-bad', warning: 'badge-warn', info: 'badge-info' };

/** The badge class of an alert message: resolved reads as good news whatever its severity. */
export function alertBadge(message) {
  if (message.state === 'resolved') return 'badge-ok';
  return SEVERITY_BADGE[message.severity] || 'badge-info';
}

/** "firing", "firing again", "resolved". */
export function alertStateText(message) {
  if (message.state === 'resolved') return 'resolved';
  return message.repeat ? 'firing again' : 'firing';
}

const DELIVERY_TEXT = {
  queued: 'queued',
  rate_limited: 'waiting (rate limit)',
  sending: 'sending',
  retrying: 'retrying',
  delivered: 'delivered',
  failed: 'failed',
  dropped: 'dropped',
};

/**
 * One line per webhook: "ops: delivered", "ops: retrying (attempt 2, 503)". A message without
 * webhooks was only logged and listed.
 */
export function deliveryText(message) {
  const deliveries = Array.isArray(message.deliveries) ? message.deliveries : [];
  if (deliveries.length === 0) return 'not sent (no webhooks)';
  return deliveries.map((d) => {
    let text = `${d.webhook}: ${DELIVERY_TEXT[d.state] || d.state}`;
    const extra = [];
    if (d.attempts > 1 || d.state === 'retrying' || d.state === 'failed') extra.push(`attempt ${d.attempts}`);
    if (d.state !== 'delivered' && d.last_status) extra.push(String(d.last_status));
    else if (d.state !== 'delivered' && d.last_error) extra.push(d.last_error);
    if (extra.length > 0) text += ` (${extra.join(', ')})`;
    return text;
  }).join('; ');
}

/** The kind of a delivery problem worth a colour: 'bad' (failed, dropped), 'warn', or ''. */
export function deliveryTone(message) {
  const states = (message.deliveries || []).map((d) => d.state);
  if (states.some((s) => s === 'failed' || s === 'dropped')) return 'bad';
  if (states.some((s) => s === 'retrying' || s === 'rate_limited')) return 'warn';
  return '';
}

/** The panel's headline from the firing alerts: { text, badge }. */
export function alertsHeadline(active) {
  const firing = Array.isArray(active) ? active : [];
  if (firing.length === 0) return { text: 'All clear', badge: 'badge-ok' };
  const critical = firing.some((a) => a.severity === 'critical');
  return {
    text: `${firing.length} firing`,
    badge: critical ? 'badge-bad' : 'badge-warn',
  };
}
