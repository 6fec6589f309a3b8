// What a `stats` event adds to the dashboard's charts.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { pointOf } from '../assets/js/components/dashboard-charts.js';

test('a stats sample gives every chart series its point, allocations included', () => {
  const point = pointOf({
    requests_per_second: 12, errors_per_second: 0.5, active_spawners: 3, instances_in_use: 7, capacity: 20,
    memory_usage: 1024, process_cpu_percent: 4, machine: { cpu_percent: 30 },
    allocations_per_second: 9.5, allocation_failures_per_second: 0.25,
  });
  assert.equal(point.allocations_per_second, 9.5);
  assert.equal(point.allocation_failures_per_second, 0.25);
  assert.equal(point.cpu_percent, 30);
  assert.equal(point.instances_in_use, 7);
  // A master without the figures (older, or no instance tracking) leaves gaps, not errors.
  assert.equal(pointOf({}).allocations_per_second, undefined);
});
