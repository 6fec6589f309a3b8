// The "Plugin memory" card's text.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { pluginMemorySummary } from '../assets/js/lib/plugin-memory.js';

const english = new Intl.NumberFormat().resolvedOptions().locale.startsWith('en');

test('largest plugin first, then bytes per spawner', { skip: !english && 'not an English locale' }, () => {
  const summary = pluginMemorySummary({
    rss: 30 << 20,
    plugins: [
      { plugin: 'sqlite-store', bytes: 1024, items: { sqlite: 1024 } },
      { plugin: 'spawner-registry', bytes: 4 << 20, items: { spawners: 4 << 20 } },
    ],
    plugin_bytes: (4 << 20) + 1024,
    plugin_bytes_per_spawner: 419.6,
  });
  assert.equal(summary.value, '4 MiB');
  assert.equal(summary.sub, 'spawner-registry 4 MiB · sqlite-store 1 KiB · 420 B / spawner');
});

test('no reports', () => {
  assert.equal(pluginMemorySummary(undefined).value, '—');
  assert.equal(pluginMemorySummary({ plugins: [] }).sub, 'No plugin reports its memory');
});
