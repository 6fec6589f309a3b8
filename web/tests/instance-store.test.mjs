// The Instances page's list: server filters mirrored for live events, races between a fetch
// and the events, overflow, and a master without instance tracking.
// Run: node --test web/tests/
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { ApiError } from '../assets/js/lib/api.js';
import { InstanceStore, instanceQuery, matchesFilters } from '../assets/js/lib/instance-store.js';

const instance = (id, fields = {}) => ({
  id, spawner_id: 3, agent_instance_id: `a-${id}`, region: 'eu', host: '10.0.0.3', port: 7001,
  address: '10.0.0.3:7001', status: 'running', started_at: '2026-12-06T12:00:00Z', source: 'allocation',
  ...fields,
});

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

test('the query names only the filters that are set', () => {
  assert.equal(instanceQuery({ region: '', spawner: '', status: '' }), '/api/instances');
  assert.equal(instanceQuery({ region: 'eu west', spawner: 7, status: 'gone' }),
    '/api/instances?region=eu+west&spawner_id=7&status=gone');
  assert.equal(instanceQuery({ region: '', spawner: '0', status: '' }), '/api/instances?spawner_id=0');
});

test('live instances are filtered by the server rules', () => {
  const running = instance('i-1');
  assert.ok(matchesFilters(running, { region: 'eu', spawner: '', status: 'running' }));
  assert.ok(!matchesFilters(running, { region: 'us', spawner: '', status: '' }));
  assert.ok(matchesFilters(running, { region: '', spawner: '3', status: '' }));
  assert.ok(!matchesFilters(running, { region: '', spawner: 4, status: '' }));
  assert.ok(!matchesFilters(running, { region: '', spawner: '', status: 'stopped' }));
  // Without a status every instance but a gone one is listed.
  assert.ok(matchesFilters(instance('i-2', { status: 'stopped' }), { region: '', spawner: '', status: '' }));
  assert.ok(!matchesFilters(instance('i-3', { status: 'gone' }), { region: '', spawner: '', status: '' }));
  assert.ok(matchesFilters(instance('i-3', { status: 'gone' }), { region: '', spawner: '', status: 'gone' }));
});

test('events add started instances and remove stopped ones from a running list', async () => {
  const paths = [];
  const store = new InstanceStore({ fetchList: async (path) => { paths.push(path); return [instance('i-1')]; } });
  const changes = [];
  store.subscribe((change) => changes.push(change));
  await store.setFilters({ region: 'eu' });
  assert.deepEqual(paths, ['/api/instances?region=eu&status=running']);
  store.onEvent({ started: [instance('i-2'), instance('i-9', { region: 'us' })], stopped: [], overflowed: false });
  assert.deepEqual(store.all().map((i) => i.id).sort(), ['i-1', 'i-2']);
  store.onEvent({ started: [], stopped: [instance('i-1', { status: 'stopped', reason: 'deleted' })], overflowed: false });
  assert.deepEqual(store.all().map((i) => i.id), ['i-2']);
  assert.deepEqual(changes.at(-1), { replaced: false, upserted: [], removed: ['i-1'] });
});

test('with the stopped filter a stop event adds the instance', async () => {
  const store = new InstanceStore({ fetchList: async () => [] });
  await store.setFilters({ status: 'stopped' });
  store.onEvent({ started: [instance('i-4')], stopped: [instance('i-5', { status: 'stopped' })] });
  assert.deepEqual(store.all().map((i) => i.id), ['i-5']);
});

test('events during a fetch are applied after it, in order', async () => {
  let answer;
  const store = new InstanceStore({ fetchList: () => new Promise((resolve) => { answer = resolve; }) });
  const loading = store.reload();
  store.onEvent({ started: [instance('i-7')], stopped: [] });
  store.onEvent({ started: [], stopped: [instance('i-1', { status: 'stopped' })] });
  assert.equal(store.all().length, 0, 'nothing applied before the list');
  answer([instance('i-1'), instance('i-2')]);
  await loading;
  assert.deepEqual(store.all().map((i) => i.id).sort(), ['i-2', 'i-7']);
});

test('an answer to superseded filters is dropped', async () => {
  const answers = [];
  const store = new InstanceStore({ fetchList: (path) => new Promise((resolve) => answers.push({ path, resolve })) });
  const first = store.setFilters({ region: 'eu' });
  const second = store.setFilters({ region: 'us' });
  answers[1].resolve([instance('i-8', { region: 'us' })]);
  await second;
  answers[0].resolve([instance('i-1')]);
  await first;
  assert.deepEqual(store.all().map((i) => i.id), ['i-8']);
});

test('an overflowed event fetches the list again, at most once per gap', async () => {
  let fetches = 0;
  let scheduled = 0;
  const store = new InstanceStore({
    fetchList: async () => { fetches += 1; return [instance(`i-${fetches}`)]; },
    overflowRefresh: { minGapMs: 60_000, schedule: () => { scheduled += 1; } },
  });
  await store.reload();
  store.onEvent({ started: [], stopped: [], overflowed: true });
  await tick();
  await tick();
  assert.equal(fetches, 2);
  assert.deepEqual(store.all().map((i) => i.id), ['i-2']);
  store.onEvent({ started: [], stopped: [], overflowed: true });
  store.onEvent({ started: [], stopped: [], overflowed: true });
  await tick();
  assert.equal(fetches, 2, 'the next overflow waits for the end of the gap');
  assert.equal(scheduled, 1, 'one reload is scheduled for both');
});

test('a master without instance tracking (404) is not available', async () => {
  const store = new InstanceStore({ fetchList: async () => { throw new ApiError(404, 'no such route'); } });
  await store.reload();
  assert.equal(store.available, false);
  assert.equal(store.loaded, true);
  const failing = new InstanceStore({ fetchList: async () => { throw new ApiError(500, 'broken'); } });
  await assert.rejects(failing.reload(), /broken/);
  assert.equal(failing.available, true);
});

test('a stop shows at once', async () => {
  const store = new InstanceStore({ fetchList: async () => [instance('i-1')] });
  await store.setFilters({ status: '' });
  store.markStopped('i-1');
  assert.equal(store.instances.get('i-1').status, 'stopped');
});
