// The "Cluster" section's text: headline, database line, rows, and the master's name.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { clusterHeadline, clusterRows, databaseStatus, masterLabel } from '../assets/js/lib/cluster.js';

const NOW = Date.parse('2026-12-06T12:00:10Z');
const ANSWER = {
  this_host: 'b:8081',
  database: { healthy: true, error: '' },
  hosts: [
    { name: 'a:8081', address: '10.0.0.1:8081', version: '1.0.0', started_at: '2026-12-06T11:00:00Z',
      last_seen: '2026-12-06T12:00:09Z', healthy: true, this_host: false, leases: ['spawner-sweeper'] },
    { name: 'c:8081', address: '10.0.0.3:8081', version: '1.0.0', started_at: '2026-12-06T11:00:00Z',
      last_seen: '2026-12-06T11:58:10Z', healthy: false, this_host: false, leases: [] },
    { name: 'b:8081', address: '10.0.0.2:8081', version: '1.1.0', started_at: '2026-12-06T11:30:00Z',
      last_seen: '2026-12-06T12:00:11Z', healthy: true, this_host: true,
      leases: ['postgres-store-purge', 'game-instances-reconcile'] },
  ],
};

test('headline counts the healthy masters', () => {
  assert.deepEqual(clusterHeadline(ANSWER), { text: '2 of 3 masters healthy', badge: 'badge-warn' });
  assert.deepEqual(clusterHeadline({ hosts: [ANSWER.hosts[0]] }), { text: '1 of 1 master healthy', badge: 'badge-ok' });
  assert.equal(clusterHeadline({ hosts: [ANSWER.hosts[1]] }).badge, 'badge-bad');
  assert.equal(clusterHeadline({}).text, '0 of 0 masters healthy');
});

test('the database line carries the error', () => {
  assert.deepEqual(databaseStatus({ healthy: true, error: '' }), { text: 'Database healthy', detail: '', badge: 'badge-ok' });
  assert.deepEqual(databaseStatus({ healthy: false, error: 'connection refused' }),
    { text: 'Database unreachable', detail: 'connection refused', badge: 'badge-bad' });
  assert.equal(databaseStatus(undefined).badge, 'badge-bad');
});

test('rows: this master first, then by name; leases, health and last seen', () => {
  const rows = clusterRows(ANSWER, NOW);
  assert.deepEqual(rows.map((row) => row.name), ['b:8081', 'a:8081', 'c:8081']);
  assert.equal(rows[0].thisHost, true);
  assert.equal(rows[0].leases, 'postgres-store-purge, game-instances-reconcile');
  assert.equal(rows[0].lastSeen, 'just now', 'a clock a second ahead reads as now');
  assert.equal(rows[1].lastSeen, '1 s ago');
  assert.equal(rows[1].health, 'healthy');
  assert.equal(rows[2].health, 'not seen');
  assert.equal(rows[2].healthBadge, 'badge-bad');
  assert.equal(rows[2].lastSeen, '2 min ago');
  assert.equal(rows[2].leases, '—');
  assert.equal(rows[2].version, '1.0.0');
});

test('the master is named by the cluster, else by /api/stats', () => {
  assert.equal(masterLabel({ hostname: 'box', host: '0.0.0.0:8081' }, ANSWER), 'On master b:8081');
  assert.equal(masterLabel({ hostname: 'box', host: '0.0.0.0:8081' }, null), 'On master box (0.0.0.0:8081)');
  assert.equal(masterLabel({ host: '127.0.0.1:8081' }, null), 'On master 127.0.0.1:8081');
  assert.equal(masterLabel(null, null), '');
});
