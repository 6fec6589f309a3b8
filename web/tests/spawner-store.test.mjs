// The page's spawner list: deltas by version, field changes, gaps and restarts.
// Run: node --test web/tests/
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';

import { SpawnerStore } from '../assets/js/lib/spawner-store.js';

let served = [];
let fetches = 0;
beforeEach(() => {
  fetches = 0;
  served = [];
  globalThis.fetch = async () => {
    fetches += 1;
    return new Response(JSON.stringify(served), { headers: { 'Content-Type': 'application/json' } });
  };
});

const spawner = (id, fields = {}) => ({
  id, region: 'eu-west', host: '10.0.0.1', port: 7777, max_instances: 10, current_instances: 1,
  status: 'active', last_seen: '2026-11-25T21:01:11.123Z', health: 'healthy', ...fields,
});

const delta = (base, version, fields = {}) => ({
  epoch: 1, available: true, base, version, time_base: Date.parse('2026-11-25T21:01:20.000Z'),
  upserts: [], changes: { id: [] }, removed: [], totals: null, ...fields,
});

async function synced(list, version) {
  served = list;
  const store = new SpawnerStore();
  store.onHello({ epoch: 1, spawners: { version, available: true } });
  await new Promise((resolve) => setTimeout(resolve, 0));
  await new Promise((resolve) => setTimeout(resolve, 0));
  return store;
}

test('a greeting fetches the list once and holds its version', async () => {
  const store = await synced([spawner(1), spawner(2)], 10);
  assert.equal(fetches, 1);
  assert.equal(store.version, 10);
  assert.deepEqual(store.all().map((s) => s.id), [1, 2]);
  store.onHello({ epoch: 1, spawners: { version: 10, available: true } });
  assert.equal(fetches, 1, 'same version: no fetch');
});

test('a delta on the held version applies upserts, field changes and removals', async () => {
  const store = await synced([spawner(1), spawner(2)], 10);
  const changes = [];
  store.subscribe((change) => changes.push(change));
  store.onDelta(delta(10, 12, {
    upserts: [spawner(3, { region: 'us-east' })],
    changes: { id: [1], last_seen: [-2000], current_instances: [7] },
    removed: [2],
  }));
  assert.equal(store.version, 12);
  assert.deepEqual(store.all().map((s) => s.id).sort(), [1, 3]);
  assert.equal(store.spawners.get(1).current_instances, 7);
  assert.equal(store.spawners.get(1).last_seen, '2026-11-25T21:01:18.000Z');
  assert.equal(store.spawners.get(1).region, 'eu-west', 'unchanged fields stay');
  assert.deepEqual(changes.at(-1).upserted.sort(), [1, 3]);
  assert.deepEqual(changes.at(-1).removed, [2]);
  assert.equal(fetches, 1);
});

test('an older delta is ignored and a gap fetches the list again', async () => {
  const store = await synced([spawner(1)], 10);
  store.onDelta(delta(8, 9, { removed: [1] }));
  assert.equal(store.spawners.size, 1, 'stale removal ignored');
  served = [spawner(1), spawner(5)];
  store.onDelta(delta(14, 15));
  await new Promise((resolve) => setTimeout(resolve, 0));
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.equal(fetches, 2);
  assert.equal(store.version, 15);
  assert.equal(store.spawners.size, 2);
});

test('a change to an unknown spawner fetches the list again', async () => {
  const store = await synced([spawner(1)], 10);
  served = [spawner(1), spawner(4)];
  store.onDelta(delta(10, 11, { changes: { id: [4], status: ['busy'] } }));
  await new Promise((resolve) => setTimeout(resolve, 0));
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.equal(fetches, 2);
  assert.equal(store.version, 11);
});

test('a new epoch (restarted master) starts over', async () => {
  const store = await synced([spawner(1)], 500);
  served = [spawner(7)];
  store.onHello({ epoch: 2, spawners: { version: 3, available: true } });
  await new Promise((resolve) => setTimeout(resolve, 0));
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.equal(store.epoch, 2);
  assert.equal(store.version, 3);
  assert.deepEqual(store.all().map((s) => s.id), [7]);
});

test('immediate spawner events apply between deltas without moving the version', async () => {
  const store = await synced([spawner(1)], 10);
  store.onChange({ epoch: 1, upserts: [spawner(2)], removed: [1] });
  assert.deepEqual(store.all().map((s) => s.id), [2]);
  assert.equal(store.version, 10);
  store.onChange({ epoch: 99, upserts: [spawner(3)], removed: [] });
  assert.equal(store.spawners.has(3), false, 'another epoch is ignored');
});

test('events during a fetch are applied after it', async () => {
  let release;
  globalThis.fetch = () => new Promise((resolve) => {
    release = () => resolve(new Response(JSON.stringify([spawner(1)]), { headers: { 'Content-Type': 'application/json' } }));
  });
  const store = new SpawnerStore();
  store.onHello({ epoch: 1, spawners: { version: 10, available: true } });
  store.onDelta(delta(10, 11, { upserts: [spawner(2)] }));
  store.onChange({ epoch: 1, upserts: [spawner(3)], removed: [] });
  release();
  await new Promise((resolve) => setTimeout(resolve, 0));
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.deepEqual(store.all().map((s) => s.id).sort(), [1, 2, 3]);
  assert.equal(store.version, 11);
});

test('without a registry the list is empty and nothing is fetched', () => {
  const store = new SpawnerStore();
  store.onHello({ epoch: 1, spawners: { version: 0, available: false } });
  assert.equal(store.available, false);
  assert.equal(store.spawners.size, 0);
  assert.equal(fetches, 0);
});
