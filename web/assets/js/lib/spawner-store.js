// The page's copy of the spawner list, kept current by the stream's `spawners` deltas and
// `spawner` change events, and re-fetched whole (GET /api/spawners) only when it cannot be
// brought up to date from them: on a new page, after a gap, after a restart of the master.
//
// Versions come from the registry and only grow within one `epoch` (one run of the
// dashboard). A delta applies when its `base` is the version held; an older one is ignored;
// any other gap means fetching the list again. A delta carries new spawners whole and, for
// the others, only the fields that changed (see plugins/dashboard-sse/README.md).
import { api } from './api.js';
import { ChangeSource } from './change-source.js';

/** Emits { upserted, removed, replaced } after every change (see ChangeSource). */
export class SpawnerStore extends ChangeSource {
  constructor() {
    super();
    this.spawners = new Map();
    this.epoch = null;
    this.version = null;  // null: the list is not known to match any version
    this.available = true;
    this.totals = null;
    this.syncing = false;
    this.pending = [];
    this.loaded = false;
  }

  all() {
    return Array.from(this.spawners.values());
  }

  onHello(hello) {
    const spawners = hello.spawners || {};
    this.available = spawners.available !== false;
    if (hello.epoch !== this.epoch) {
      this.epoch = hello.epoch;
      this.version = null;
    }
    if (!this.available) {
      this.replaceAll([], null);
      return;
    }
    if (this.version === null || spawners.version > this.version) this.resync(spawners.version);
  }

  onDelta(delta) {
    if (delta.totals) this.totals = delta.totals;
    this.available = delta.available !== false;
    if (delta.epoch !== this.epoch) {
      this.epoch = delta.epoch;
      this.version = null;
    }
    if (this.syncing) {
      this.pending.push({ kind: 'delta', data: delta });
      return;
    }
    if (this.version !== null && delta.base === this.version) {
      if (!this.applyDelta(delta)) {
        this.resync(delta.version);  // a change to a spawner this copy does not have
        return;
      }
      this.version = delta.version;
    } else if (this.version !== null && delta.version <= this.version) {
      // Already covered by a newer list.
    } else if (this.available) {
      this.resync(delta.version);
    }
  }

  /** A `spawner` event: registrations and removals as they happen, between two deltas. */
  onChange(change) {
    if (change.epoch !== this.epoch) return;
    if (this.syncing) {
      this.pending.push({ kind: 'change', data: change });
      return;
    }
    this.apply(change.upserts, change.removed);
  }

  /** While polling: the whole list, with no version to continue from. */
  replaceAll(list, version = null) {
    this.spawners = new Map(list.map((spawner) => [spawner.id, spawner]));
    this.version = version;
    this.loaded = true;
    this.emit({ replaced: true, upserted: [], removed: [] });
  }

  /** Removes one spawner at once (after a successful delete); the stream confirms later. */
  forget(id) {
    if (this.spawners.delete(id)) this.emit({ replaced: false, upserted: [], removed: [id] });
  }

  apply(upserts = [], removed = [], changed = []) {
    const upserted = changed.slice();
    for (const spawner of upserts) {
      this.spawners.set(spawner.id, spawner);
      upserted.push(spawner.id);
    }
    const gone = [];
    for (const id of removed) {
      if (this.spawners.delete(id)) gone.push(id);
    }
    if (upserted.length > 0 || gone.length > 0) this.emit({ replaced: false, upserted, removed: gone });
  }

  /**
   * Applies a `spawners` delta: whole new spawners, changed fields of known ones (one column
   * per field, null where unchanged; last_seen in ms relative to time_base), removals.
   * False when a change names a spawner this copy does not have.
   */
  applyDelta(delta) {
    const changes = delta.changes || {};
    const ids = changes.id || [];
    const changed = [];
    let complete = true;
    for (let row = 0; row < ids.length; row += 1) {
      const current = this.spawners.get(ids[row]);
      if (!current) {
        complete = false;
        continue;
      }
      const next = { ...current };
      for (const [field, column] of Object.entries(changes)) {
        if (field === 'id' || column[row] === null || column[row] === undefined) continue;
        next[field] = field === 'last_seen'
          ? new Date(delta.time_base + column[row]).toISOString()
          : column[row];
      }
      this.spawners.set(ids[row], next);
      changed.push(ids[row]);
    }
    this.apply(delta.upserts, delta.removed, changed);
    return complete;
  }

  /** Fetches the whole list; `knownVersion` is a version the list is at least as new as. */
  async resync(knownVersion) {
    if (this.syncing) return;
    this.syncing = true;
    this.pending = [];
    try {
      const list = await api('/api/spawners');
      this.replaceAll(Array.isArray(list) ? list : [], knownVersion);
      // Events that arrived during the fetch are newer than the version the fetch began at.
      for (const { kind, data } of this.pending) {
        if (kind === 'change') {
          this.apply(data.upserts, data.removed);
        } else if (data.version > this.version) {
          // The list is at least as new: a spawner it lacks was removed meanwhile.
          this.applyDelta(data);
          this.version = data.version;
        }
      }
    } catch (error) {
      this.version = null;  // the next delta tries again
      this.emit({ replaced: false, upserted: [], removed: [], error });
    } finally {
      this.pending = [];
      this.syncing = false;
    }
  }
}
