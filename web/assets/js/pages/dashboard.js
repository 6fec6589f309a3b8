// The dashboard: figures, charts, capacity per region, the cluster's masters and the spawner
// table, kept live by /events (or by polling when the stream is unavailable). The header names
// the master that serves the page: behind a load balancer it may be any of them.
import { $, setText } from '../lib/dom.js';
import { ApiError, api, describeError } from '../lib/api.js';
import { CoalescedRefresh } from '../lib/coalesced-refresh.js';
import { confirmAction } from '../lib/dialog.js';
import { masterLabel } from '../lib/cluster.js';
import { formatTime } from '../lib/format.js';
import { LiveConnection } from '../lib/live.js';
import { initShell } from '../lib/shell.js';
import { SpawnerStore } from '../lib/spawner-store.js';
import { toast } from '../lib/toast.js';
import { AlertPanel } from '../components/alert-panel.js';
import { ClusterPanel } from '../components/cluster-panel.js';
import { DashboardCharts } from '../components/dashboard-charts.js';
import { RegionCapacity } from '../components/region-capacity.js';
import { SpawnerTable } from '../components/spawner-table.js';
import { StatCards } from '../components/stat-cards.js';

const session = await initShell('dashboard', { live: true });
const store = new SpawnerStore();
const cards = new StatCards($('#stat-cards'));
const charts = new DashboardCharts($('#charts'));
const updated = $('#updated');
const masterHost = $('#master-host');
let latestStats = null;
let latestCluster = null;
function showMaster() {
  setText(masterHost, masterLabel(latestStats, latestCluster));
}
const capacity = new RegionCapacity($('#region-capacity'), { section: $('#capacity-section') });

// Capacity per region belongs to the game-instances plugin (404 without it: then its table
// and the allocation figures are not shown). It is fetched again when the stream says
// instances or spawners changed, at most every 3 s and only while the page is visible: the
// answer is computed over the whole fleet, and a busy fleet changes every tick.
function showInstanceTracking(tracked) {
  cards.show('allocations', tracked);
  charts.show('allocations', tracked);
}

async function loadRegions() {
  try {
    capacity.show(await api('/api/regions'));
    showInstanceTracking(true);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      capacity.show(null);
      showInstanceTracking(false);
      return;
    }
    throw error;
  }
}
const regionRefresh = new CoalescedRefresh(loadRegions, { minGapMs: 3000 });
let regionsStale = false;
function refreshRegions() {
  if (document.visibilityState === 'hidden') {
    regionsStale = true;
    return;
  }
  regionRefresh.request();
}
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState !== 'visible' || !regionsStale) return;
  regionsStale = false;
  regionRefresh.request();
});

function describeSpawner(spawner) {
  return `#${spawner.id} (${spawner.host}:${spawner.port}, ${spawner.region || 'no region'})`;
}

async function spawnOn(spawner) {
  const confirmed = await confirmAction({
    title: 'Start a game instance?',
    message: `The master asks spawner ${describeSpawner(spawner)} to start one instance.`,
    confirmLabel: 'Spawn instance',
  });
  if (!confirmed) return;
  try {
    const answer = await api(`/api/spawners/${spawner.id}/spawn`, { method: 'POST', json: {} });
    const detail = answer && typeof answer === 'object' ? JSON.stringify(answer) : (answer || '');
    toast('success', `Spawn requested on #${spawner.id}`, detail.slice(0, 200));
  } catch (error) {
    toast('error', `Spawn on #${spawner.id} failed`, describeError(error));
  }
}

async function deleteSpawner(spawner) {
  const confirmed = await confirmAction({
    title: 'Delete this spawner?',
    message: `Spawner ${describeSpawner(spawner)} is removed from the registry. If it is still running it will register again with a new id.`,
    confirmLabel: 'Delete spawner',
    danger: true,
  });
  if (!confirmed) return;
  try {
    await api(`/api/spawners/${spawner.id}`, { method: 'DELETE' });
    store.forget(spawner.id);
    toast('success', `Spawner #${spawner.id} deleted`);
  } catch (error) {
    toast('error', `Could not delete #${spawner.id}`, describeError(error));
  }
}

// The table subscribes to the store and renders itself.
new SpawnerTable($('#spawners'), {
  store,
  canOperate: session.can('operator'),
  onSpawn: spawnOn,
  onDelete: deleteSpawner,
});

let lastTick = -1;
function showStats(stats) {
  if (!stats || stats.tick === lastTick) return;
  lastTick = stats.tick;
  cards.update(stats);
  charts.push(stats);
  updated.textContent = `Updated ${formatTime(stats.timestamp)}`;
  latestStats = stats;
  showMaster();
}

async function fetchSpawnerList() {
  try {
    return await api('/api/spawners');
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;  // no registry
    throw error;
  }
}

try {
  charts.load(await api('/api/stats/history'));
} catch (error) {
  toast('error', 'Chart history unavailable', describeError(error));
}

const live = new LiveConnection({
  handlers: {
    hello: (hello) => {
      store.onHello(hello);
      showStats(hello.stats);
      refreshRegions();
    },
    stats: showStats,
    spawners: (delta) => {
      store.onDelta(delta);
      if (delta.version !== delta.base || delta.changes?.health) refreshRegions();
    },
    spawner: (change) => {
      store.onChange(change);
      refreshRegions();
    },
    instances: refreshRegions,
  },
  poll: async () => {
    const [stats, list] = await Promise.all([api('/api/stats'), fetchSpawnerList(), loadRegions()]);
    showStats(stats);
    store.available = list !== null;
    store.replaceAll(list || []);
  },
});
live.start();
new ClusterPanel($('#cluster'), {
  onAnswer: (answer) => {
    latestCluster = answer;
    showMaster();
  },
}).start();
new AlertPanel($('#alerts')).start();
