// The "Plugin memory" card: where memory goes, from the `memory` member of a stats payload
// (each plugin's own report, ABI 1.3). Largest plugin first, then bytes per spawner.
import { formatBytes, formatInteger } from './format.js';

/** { value, sub } for the card; value '—' when no plugin reports. */
export function pluginMemorySummary(memory) {
  const plugins = Array.isArray(memory?.plugins) ? memory.plugins.slice() : [];
  if (plugins.length === 0) return { value: '—', sub: 'No plugin reports its memory' };
  plugins.sort((a, b) => b.bytes - a.bytes);
  const parts = plugins.map((plugin) => `${plugin.plugin} ${formatBytes(plugin.bytes)}`);
  if (Number.isFinite(memory.plugin_bytes_per_spawner)) {
    parts.push(`${formatInteger(Math.round(memory.plugin_bytes_per_spawner))} B / spawner`);
  }
  return { value: formatBytes(memory.plugin_bytes), sub: parts.join(' · ') };
}
