// Refreshes asked for by the stream: at most one per gap, none lost.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { CoalescedRefresh } from '../assets/js/lib/coalesced-refresh.js';

function clock() {
  const timers = [];
  const state = { now: 0 };
  return {
    state,
    timers,
    now: () => state.now,
    schedule: (fn, ms) => timers.push({ at: state.now + ms, fn }),
    async advance(ms) {
      state.now += ms;
      for (const timer of timers.splice(0).filter((t) => t.at <= state.now)) timer.fn();
      await new Promise((resolve) => setTimeout(resolve, 0));
    },
  };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

test('a first request runs at once; a burst within the gap runs once at its end', async () => {
  const time = clock();
  let runs = 0;
  const refresh = new CoalescedRefresh(async () => { runs += 1; }, { minGapMs: 1000, now: time.now, schedule: time.schedule });
  refresh.request();
  await settle();
  assert.equal(runs, 1);
  for (let i = 0; i < 10; i += 1) refresh.request();
  await settle();
  assert.equal(runs, 1, 'too soon');
  assert.equal(time.timers.length, 1, 'one run scheduled');
  await time.advance(1000);
  await settle();
  assert.equal(runs, 2);
  await time.advance(5000);
  assert.equal(runs, 2, 'nothing more was asked');
});

test('a request during a run is not lost', async () => {
  const time = clock();
  let release;
  let runs = 0;
  const refresh = new CoalescedRefresh(() => { runs += 1; return new Promise((resolve) => { release = resolve; }); },
    { minGapMs: 100, now: time.now, schedule: time.schedule });
  refresh.request();
  await settle();
  refresh.request();
  assert.equal(runs, 1);
  await time.advance(500);
  release();
  await settle();
  await settle();
  assert.equal(runs, 2, 'ran again after the first finished');
});

test('a failing run does not stop later ones', async () => {
  const time = clock();
  let runs = 0;
  const refresh = new CoalescedRefresh(async () => { runs += 1; throw new Error('offline'); },
    { minGapMs: 10, now: time.now, schedule: time.schedule });
  refresh.request();
  await settle();
  await time.advance(20);
  refresh.request();
  await settle();
  assert.equal(runs, 2);
});
