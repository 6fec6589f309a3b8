// The fleet overview's capacity per region: the bar and the totals row.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { regionTotals, usedFraction } from '../assets/js/components/region-capacity.js';

test('the bar counts used and reserved slots against capacity', () => {
  assert.equal(usedFraction({ capacity: 10, used: 4, reserved: 1, free: 5 }), 0.5);
  assert.equal(usedFraction({ capacity: 0, used: 0, reserved: 0, free: 0 }), 0);
  assert.equal(usedFraction({ capacity: 4, used: 4, reserved: 0, free: 0 }), 1);
});

test('totals add every region up', () => {
  const totals = regionTotals([
    { region: 'eu', spawners: 2, healthy: 2, capacity: 10, used: 3, reserved: 1, free: 6 },
    { region: 'us', spawners: 3, healthy: 1, capacity: 4, used: 4, reserved: 0, free: 0 },
  ]);
  assert.deepEqual(totals, { spawners: 5, healthy: 3, capacity: 14, used: 7, reserved: 1, free: 6 });
  assert.deepEqual(regionTotals([]), { spawners: 0, healthy: 0, capacity: 0, used: 0, reserved: 0, free: 0 });
});
