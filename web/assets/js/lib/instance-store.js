// The Instances page's list: the game instances that match the page's filters, fetched from
// GET /api/instances (which filters on the server) and kept current by the stream's
// `instances` events (which carry every instance that started or stopped, filtered here by the
// same rules). A list fetch and the events race: events that arrive during a fetch are
// applied after it, in order, so the last word about an instance always wins.
import { api } from './api.js';
import { ChangeSource } from './change-source.js';
import { CoalescedRefresh } from './coalesced-refresh.js';

// An overflowed event means a burst of allocations (hundreds in a quarter second): fetching
// the whole list again on each would cost more than the burst itself.
const OVERFLOW_RELOAD_GAP_MS = 5000;

/** The statuses of an instance (the game-instances plugin's). */
export const INSTANCE_STATUSES = ['running', 'stopped', 'gone'];

/**
 * The query string of GET /api/instances for `filters` ({ region, spawner, status }; empty
 * values are left out). Without a status the server lists every instance but `gone` ones.
 */
export function instanceQuery(filters) {
  const params = new URLSearchParams();
  if (filters.region) params.set('region', filters.region);
  if (filters.spawner !== '' && filters.spawner !== undefined && filters.spawner !== null) {
    params.set('spawner_id', String(filters.spawner));
  }
  if (filters.status) params.set('status', filters.status);
  const text = params.toString();
  return text ? `/api/instances?${text}` : '/api/instances';
}

/** Whether `instance` belongs in a list fetched with `filters` (the server's rules). */
export function matchesFilters(instance, filters) {
  if (filters.region && instance.region !== filters.region) return false;
  if (filters.spawner !== '' && filters.spawner !== undefined && filters.spawner !== null &&
      Number(instance.spawner_id) !== Number(filters.spawner)) return false;
  if (filters.status) return instance.status === filters.status;
  return instance.status !== 'gone';
}

/** Emits { upserted, removed, replaced, error } after every change (see ChangeSource). */
export class InstanceStore extends ChangeSource {
  /**
   * `fetchList(path)`: the JSON array at `path` (api() by default; tests pass their own).
   * `overflowRefresh`: CoalescedRefresh options of the reloads for overflowed events (minGapMs:
   * the least time between two).
   */
  constructor({ fetchList = (path) => api(path), overflowRefresh = { minGapMs: OVERFLOW_RELOAD_GAP_MS } } = {}) {
    super();
    this.fetchList = fetchList;
    this.overflowReload = new CoalescedRefresh(() => this.reload(), overflowRefresh);
    this.filters = { region: '', spawner: '', status: 'running' };
    this.instances = new Map();
    this.loaded = false;
    this.available = true;  // false: the master has no instance tracking (404)
    this.syncing = false;
    this.pending = [];
    this.generation = 0;
  }

  all() {
    return Array.from(this.instances.values());
  }

  /** New filters: the list is fetched again. */
  setFilters(filters) {
    this.filters = { ...this.filters, ...filters };
    return this.reload();
  }

  /**
   * Fetches the list for the current filters. A newer reload supersedes an older one; events
   * that arrive meanwhile are kept and applied on top of the newest answer.
   */
  async reload() {
    const mine = ++this.generation;
    if (!this.syncing) this.pending = [];
    this.syncing = true;
    try {
      const list = await this.fetchList(instanceQuery(this.filters));
      if (mine !== this.generation) return;
      this.available = true;
      this.replaceAll(Array.isArray(list) ? list : []);
      const pending = this.pending;
      this.pending = [];
      this.syncing = false;
      for (const event of pending) this.onEvent(event);
    } catch (error) {
      if (mine !== this.generation) return;
      this.syncing = false;
      this.pending = [];
      if (error && error.status === 404) {
        this.available = false;
        this.replaceAll([]);
        return;
      }
      this.emit({ replaced: false, upserted: [], removed: [], error });
      throw error;
    }
  }

  replaceAll(list) {
    this.instances = new Map();
    for (const instance of list) {
      if (matchesFilters(instance, this.filters)) this.instances.set(instance.id, instance);
    }
    this.loaded = true;
    this.emit({ replaced: true, upserted: [], removed: [] });
  }

  /**
   * An `instances` event: {"started": [...], "stopped": [...], "overflowed"}. An instance
   * that matches the filters is added or replaced, one that no longer does leaves. An
   * overflowed event (more changes at once than the server gathers) means fetching again, at
   * most once every 5 s.
   */
  onEvent(event) {
    if (this.syncing) {
      this.pending.push(event);
      return;
    }
    if (event.overflowed) {
      this.overflowReload.request();
      return;
    }
    const upserted = [];
    const removed = [];
    for (const instance of [...(event.started || []), ...(event.stopped || [])]) {
      if (!instance || typeof instance.id !== 'string') continue;
      if (matchesFilters(instance, this.filters)) {
        this.instances.set(instance.id, instance);
        upserted.push(instance.id);
      } else if (this.instances.delete(instance.id)) {
        removed.push(instance.id);
      }
    }
    if (upserted.length > 0 || removed.length > 0) this.emit({ replaced: false, upserted, removed });
  }

  /** After a successful stop: the instance shows its new status at once (the event follows). */
  markStopped(id) {
    const instance = this.instances.get(id);
    if (!instance) return;
    this.onEvent({ stopped: [{ ...instance, status: 'stopped' }] });
  }
}
