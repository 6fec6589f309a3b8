/*
 * Service "kv-store", version 1: durable, namespaced, ordered key-value storage.
 *
 * Provided by the sqlite-store plugin (and by any plugin that offers the same contract, e.g.
 * an in-memory store for tests). Each user keeps its own namespaces ("spawners", "users"),
 * the equivalent of its own tables; no plugin but the provider links a database library.
 * Plain C99, versioned like the plugin ABI: fields are only appended; check struct_size.
 *
 * Keys and values are arbitrary bytes; keys sort by unsigned byte order (so zero-padded
 * decimal numbers sort numerically). Writes are atomic batches; a batch is durable when
 * write() returns or write_async's callback reports SR_OK. A provider that cannot write
 * (disk full, read-only database) answers SR_ERR_UNAVAILABLE and keeps serving reads.
 *
 * THREAD: every function may be called from any thread.
 */
#ifndef SR_SERVICES_KV_STORE_H
#define SR_SERVICES_KV_STORE_H

#include <sr/abi.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SR_KV_STORE_SERVICE "kv-store"
#define SR_KV_STORE_VERSION 1
/* Version 2 (sr_kv_store_v2): several masters sharing one database. A provider of version 2
 * answers lookups of version 1 with the same table, since v2 starts with every v1 field. */
#define SR_KV_STORE_VERSION_2 2

typedef struct sr_kv_namespace sr_kv_namespace;

/* SR_KV_UPDATE (version 2 only): writes the value only if the key exists when the batch
 * commits, else does nothing; so a late write-behind never brings back a row that another
 * master deleted. A version 1 provider refuses it with SR_ERR_INVALID_ARGUMENT. */
enum { SR_KV_PUT = 0, SR_KV_DELETE = 1, SR_KV_UPDATE = 2 };

/* One operation of a batch. For SR_KV_DELETE, `value` is ignored. */
typedef struct sr_kv_op {
  uint32_t kind; /* SR_KV_PUT or SR_KV_DELETE */
  uint32_t reserved;
  sr_kv_namespace* ns;
  sr_str key;
  sr_str value;
} sr_kv_op;

/* Receives one row. LIFETIME of the views: the call. Return 0 to stop a scan early. */
typedef int32_t (*sr_kv_row_fn)(void* ctx, sr_str key, sr_str value);

/* Reports the outcome of write_async. `message` explains a failure (view valid for the
 * call). THREAD: the provider's writer thread; must not block for long. */
typedef void (*sr_kv_done_fn)(void* ctx, sr_status status, sr_str message);

typedef struct sr_kv_store_v1 {
  uint32_t struct_size;
  uint32_t reserved;
  void* self; /* passed back as the first argument of every function */

  /* Opens a namespace, creating it if needed. `name`: 1-64 of [a-z0-9_-].
   * LIFETIME of the handle: until the provider is destroyed. */
  sr_status (*open_namespace)(void* self, sr_str name, sr_kv_namespace** out);

  /* Reads one value; calls `fn` once if found. SR_ERR_NOT_FOUND when absent. */
  sr_status (*get)(void* self, sr_kv_namespace* ns, sr_str key, sr_kv_row_fn fn, void* ctx);

  /* Visits the keys in [start, end) in order (reverse order when `reverse` is non-zero);
   * an empty `end` means no upper bound. At most `limit` rows (0: no limit). */
  sr_status (*scan)(void* self, sr_kv_namespace* ns, sr_str start, sr_str end, uint32_t limit,
                    int32_t reverse, sr_kv_row_fn fn, void* ctx);

  /* Number of keys in a namespace. */
  sr_status (*count)(void* self, sr_kv_namespace* ns, uint64_t* out);

  /* Applies `ops` atomically and returns once they are committed. Concurrent writers are
   * committed together (group commit). OWNERSHIP: ops are read during the call only. */
  sr_status (*write)(void* self, const sr_kv_op* ops, size_t count);

  /* The same without blocking: `ops` are copied before the call returns and `done` is called
   * exactly once after the commit (or the failure). If write_async itself returns an error
   * (the store is stopping, bad arguments), nothing was queued and `done` is never called. */
  sr_status (*write_async)(void* self, const sr_kv_op* ops, size_t count, sr_kv_done_fn done,
                           void* ctx);

  /* 1 when the last write succeeded and the database is open, else 0. */
  int32_t (*healthy)(void* self);

  /* Copies the last failure message into `buffer` (NUL-terminated, truncated to `capacity`);
   * returns its full length. */
  size_t (*last_error)(void* self, char* buffer, size_t capacity);
} sr_kv_store_v1;

/* Receives one change of a watched namespace made by another master: the key's new value,
 * or `deleted` non-zero when the key was deleted (then `value` is empty). LIFETIME of the
 * views: the call. THREAD: the provider's change thread, one change at a time, in commit
 * order; must not block for long and must not call unwatch. */
typedef void (*sr_kv_change_fn)(void* ctx, sr_str key, sr_str value, int32_t deleted);

/* Version 2: the v1 functions unchanged (same names, same offsets), then what a cluster of
 * masters over one shared database needs. A single-master provider may offer it too: its
 * watches never fire and it always leads. */
typedef struct sr_kv_store_v2 {
  uint32_t struct_size;
  uint32_t reserved;
  void* self;
  sr_status (*open_namespace)(void* self, sr_str name, sr_kv_namespace** out);
  sr_status (*get)(void* self, sr_kv_namespace* ns, sr_str key, sr_kv_row_fn fn, void* ctx);
  sr_status (*scan)(void* self, sr_kv_namespace* ns, sr_str start, sr_str end, uint32_t limit,
                    int32_t reverse, sr_kv_row_fn fn, void* ctx);
  sr_status (*count)(void* self, sr_kv_namespace* ns, uint64_t* out);
  sr_status (*write)(void* self, const sr_kv_op* ops, size_t count);
  sr_status (*write_async)(void* self, const sr_kv_op* ops, size_t count, sr_kv_done_fn done,
                           void* ctx);
  int32_t (*healthy)(void* self);
  size_t (*last_error)(void* self, char* buffer, size_t capacity);

  /* ---- version 2 ---- */

  /* The next number of the cluster-wide sequence `name` (1-64 of [a-z0-9_]), created at 1 on
   * first use: unique across every master and restart, never reused. SR_ERR_UNAVAILABLE
   * while the database cannot be reached. */
  sr_status (*next_id)(void* self, sr_str name, uint64_t* out);

  /* Calls `fn(ctx, ...)` with every change to `ns` committed by another master, in commit
   * order, within about a second of the commit (change notification, plus a periodic resync
   * that also covers a lost connection). Changes made through this provider are never
   * reported. Changes committed after watch returns are reported: watch before the initial
   * scan, and apply changes idempotently (one the scan already saw may be reported again).
   * `*out` receives a handle for unwatch. */
  sr_status (*watch)(void* self, sr_kv_namespace* ns, sr_kv_change_fn fn, void* ctx,
                     uint64_t* out);
  /* Ends a watch and waits for a call of its `fn` in progress. Every watch must be ended
   * before its `ctx` is destroyed (in on_plugin_stop at the latest). */
  void (*unwatch)(void* self, uint64_t watch);

  /* 1 if this master holds the cluster-wide lease `name` (1-64 of [a-z0-9_-]), taking it when
   * no live master holds it; 0 otherwise. The lease is lost when this master dies or loses
   * the database, and another master's next call takes it. Call it each time before doing
   * the leader's work (e.g. once per sweep). */
  int32_t (*lead)(void* self, sr_str name);
} sr_kv_store_v2;

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* SR_SERVICES_KV_STORE_H */
