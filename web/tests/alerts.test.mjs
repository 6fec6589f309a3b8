// How alerts read on the dashboard's alerts card.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { alertBadge, alertStateText, alertsHeadline, deliveryText, deliveryTone } from '../assets/js/lib/alerts.js';

test('badges and states', () => {
  assert.equal(alertBadge({ state: 'firing', severity: 'critical' }), 'badge-bad');
  assert.equal(alertBadge({ state: 'firing', severity: 'warning' }), 'badge-warn');
  assert.equal(alertBadge({ state: 'resolved', severity: 'critical' }), 'badge-ok');
  assert.equal(alertStateText({ state: 'firing', repeat: true }), 'firing again');
  assert.equal(alertStateText({ state: 'resolved', repeat: false }), 'resolved');
});

test('delivery lines', () => {
  assert.equal(deliveryText({ deliveries: [] }), 'not sent (no webhooks)');
  assert.equal(deliveryText({
    deliveries: [
      { webhook: 'ops', state: 'delivered', attempts: 1, last_status: 200, last_error: '' },
      { webhook: 'chat', state: 'retrying', attempts: 2, last_status: 503, last_error: 'the webhook answered 503' },
    ],
  }), 'ops: delivered; chat: retrying (attempt 2, 503)');
  assert.equal(deliveryText({
    deliveries: [{ webhook: 'ops', state: 'failed', attempts: 8, last_status: 0, last_error: 'Connection refused' }],
  }), 'ops: failed (attempt 8, Connection refused)');
  assert.equal(deliveryTone({ deliveries: [{ state: 'delivered' }, { state: 'dropped' }] }), 'bad');
  assert.equal(deliveryTone({ deliveries: [{ state: 'rate_limited' }] }), 'warn');
  assert.equal(deliveryTone({ deliveries: [] }), '');
});

test('headline', () => {
  assert.deepEqual(alertsHeadline([]), { text: 'All clear', badge: 'badge-ok' });
  assert.deepEqual(alertsHeadline([{ severity: 'warning' }]), { text: '1 firing', badge: 'badge-warn' });
  assert.deepEqual(alertsHeadline([{ severity: 'warning' }, { severity: 'critical' }]),
    { text: '2 firing', badge: 'badge-bad' });
});
