// How GET /api/cluster (the postgres-store plugin: several masters over one database) reads on
// the dashboard: the headline, the database line, one row per master, and which master this
// page is on. Pure functions (no DOM), tested under Node.
import { formatAgo, formatDateTime, parseTime } from './format.js';

/** "2 of 2 masters healthy" (ok), "1 of 2 masters healthy" (warn), none healthy (bad). */
export function clusterHeadline(answer) {
  const hosts = Array.isArray(answer?.hosts) ? answer.hosts : [];
  const healthy = hosts.filter((host) => host.healthy).length;
  const noun = hosts.length === 1 ? 'master' : 'masters';
  const text = `${healthy} of ${hosts.length} ${noun} healthy`;
  if (hosts.length > 0 && healthy === hosts.length) return { text, badge: 'badge-ok' };
  return { text, badge: healthy > 0 ? 'badge-warn' : 'badge-bad' };
}

/** The shared database as this master sees it: { text, detail, badge }. */
export function databaseStatus(database) {
  if (database?.healthy) return { text: 'Database healthy', detail: '', badge: 'badge-ok' };
  return { text: 'Database unreachable', detail: database?.error || '', badge: 'badge-bad' };
}

/**
 * One row per master, this one first, then by name: what the table shows. `nowMs` is the
 * browser's clock; a last_seen a little in its future (clocks differ) reads "just now".
 */
export function clusterRows(answer, nowMs = Date.now()) {
  const hosts = Array.isArray(answer?.hosts) ? answer.hosts.slice() : [];
  hosts.sort((a, b) => (b.this_host === true) - (a.this_host === true)
    || String(a.name).localeCompare(String(b.name)));
  return hosts.map((host) => {
    const lastSeen = parseTime(host.last_seen);
    const leases = Array.isArray(host.leases) ? host.leases : [];
    return {
      name: String(host.name ?? ''),
      address: String(host.address ?? ''),
      thisHost: host.this_host === true,
      healthy: host.healthy === true,
      health: host.healthy === true ? 'healthy' : 'not seen',
      healthBadge: host.healthy === true ? 'badge-ok' : 'badge-bad',
      lastSeen: formatAgo(lastSeen, nowMs),
      lastSeenTitle: formatDateTime(lastSeen),
      started: formatDateTime(parseTime(host.started_at)),
      version: String(host.version ?? ''),
      leases: leases.length > 0 ? leases.join(', ') : '—',
    };
  });
}

/**
 * Which master answered this page: the cluster's name for it when there is a cluster
 * ("a:8081"), else the machine's name and the address it listens on from /api/stats.
 */
export function masterLabel(stats, cluster) {
  if (cluster?.this_host) return `On master ${cluster.this_host}`;
  const hostname = stats?.hostname || '';
  const endpoint = stats?.host || '';
  if (hostname && endpoint) return `On master ${hostname} (${endpoint})`;
  if (hostname || endpoint) return `On master ${hostname || endpoint}`;
  return '';
}
