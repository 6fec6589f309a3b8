// How figures read on the dashboard.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { formatAgo, formatBytes, formatDuration, formatPercent } from '../assets/js/lib/format.js';

// The expectations are written for English number formatting (the page uses the browser's).
const english = new Intl.NumberFormat().resolvedOptions().locale.startsWith('en');

test('relative times', () => {
  const now = 1_000_000;
  assert.equal(formatAgo(now, now), 'just now');
  assert.equal(formatAgo(now - 3000, now), '3 s ago');
  assert.equal(formatAgo(now - 125_000, now), '2 min ago');
  assert.equal(formatAgo(now - 3 * 3600_000, now), '3 h ago');
  assert.equal(formatAgo(now - 72 * 3600_000, now), '3 d ago');
  assert.equal(formatAgo(Number.NaN, now), '—');
});

test('sizes in binary units', { skip: !english && 'not an English locale' }, () => {
  assert.equal(formatBytes(512), '512 B');
  assert.equal(formatBytes(1536), '1.5 KiB');
  assert.equal(formatBytes(250 * 1024 * 1024), '250 MiB');
  assert.equal(formatBytes(null), '—');
});

test('durations and percentages', { skip: !english && 'not an English locale' }, () => {
  assert.equal(formatDuration(42_000), '42s');
  assert.equal(formatDuration(3_723_000), '1h 2m');
  assert.equal(formatDuration(93_784_000), '1d 2h 3m');
  assert.equal(formatPercent(12.34), '12.3 %');
  assert.equal(formatPercent(null), '—');
});
