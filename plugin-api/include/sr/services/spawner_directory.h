/*
 * Service "spawner-directory": read access to the spawner registry for other plugins (the
 * dashboard), without touching the registry's internals.
 *
 * Provided by the spawner-registry plugin. Plain C99, versioned like the plugin ABI.
 *   v1  totals, and spawners as JSON (get, snapshot).
 *   v2  v1, plus spawners as C structs (visit) and per-region totals (region_totals), for
 *       plugins that should not need a JSON parser. A v2 table starts with v1's fields in
 *       v1's layout, so it is also a valid v1 table: the provider publishes the one table as
 *       version 2, and a plugin that looks up version 1 keeps working unchanged.
 * Spawner JSON objects have the fields of GET /api/spawners/{id}: id, region, host, port,
 * max_instances, current_instances, status, last_seen (RFC 3339 UTC) and health
 * ("healthy" or "suspect").
 *
 * THREAD: every function may be called from any thread; none blocks on I/O.
 *
 * Events (plugin-api/ABI.md, "Events", has every topic of the system). The provider
 * publishes, after each change is committed:
 *   spawner.registered  the spawner's JSON object plus "revision"
 *   spawner.updated     the same, after heartbeats: at most once per spawner per
 *                       heartbeat_flush_interval, with the spawner's latest values
 *   spawner.removed     {"id": N, "reason": "deleted" | "expired", "revision": R,
 *                        "spawner": {the removed spawner's JSON object, region included}}
 * Spawners restored from storage at start-up publish no event.
 *
 * Lining up a snapshot with events. Every spawner has a revision: 1 when it is registered
 * (or restored at start-up), + 1 with every change to it (a heartbeat, the binding of its
 * address). Events carry the revision of the state they describe, and so do the records of
 * visit (sr_spawner_record.revision). To follow the directory without missing a change:
 *   1. subscribe to "spawner.*" (in on_plugin_init: the registry changes nothing before every
 *      plugin has started, so no event is published before your subscription exists);
 *   2. take a snapshot with visit, at any time after;
 *   3. for each event about spawner X:
 *      - registered / updated: if the snapshot holds X with a revision >= the event's, the
 *        snapshot already shows that state (or a later one): skip it; otherwise apply it;
 *      - removed: apply it (drop X if present). Ids are never reused, so a removed spawner
 *        never comes back.
 * Events of one spawner are published in revision order, and spawner.removed is its last;
 * an updated event carries the values at its revision, and several heartbeats may share one
 * event (revisions skip).
 * Restored spawners are in every snapshot, since visit can only be called after the
 * registry's on_plugin_init, which restores them.
 */
#ifndef SR_SERVICES_SPAWNER_DIRECTORY_H
#define SR_SERVICES_SPAWNER_DIRECTORY_H

#include <sr/abi.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SR_SPAWNER_DIRECTORY_SERVICE "spawner-directory"
#define SR_SPAWNER_DIRECTORY_VERSION 1   /* the version that brought sr_spawner_directory_v1 */
#define SR_SPAWNER_DIRECTORY_VERSION_2 2 /* the version that brought sr_spawner_directory_v2 */

/* Fleet-wide totals. */
typedef struct sr_spawner_totals {
  uint32_t struct_size;
  uint32_t reserved;
  uint64_t spawners;          /* registered now */
  uint64_t suspect;           /* silent for longer than suspect_after */
  uint64_t current_instances; /* sum over spawners */
  uint64_t max_instances;     /* sum over spawners: the fleet's capacity */
  uint64_t version;           /* increases with every registration, heartbeat and removal;
                               * not when a spawner turns suspect with the passing of time
                               * (compare `suspect` for that) */
} sr_spawner_totals;

/* Receives JSON. LIFETIME of the view: the call; copy what you keep. */
typedef void (*sr_spawner_json_fn)(void* ctx, sr_str json, uint64_t version);

typedef struct sr_spawner_directory_v1 {
  uint32_t struct_size;
  uint32_t reserved;
  void* self;

  /* Fills `out`; set out->struct_size first. */
  sr_status (*totals)(void* self, sr_spawner_totals* out);

  /* Calls `fn` with one spawner's JSON object. SR_ERR_NOT_FOUND for an unknown id. */
  sr_status (*get)(void* self, uint64_t id, sr_spawner_json_fn fn, void* ctx);

  /* Calls `fn` with the JSON array of every spawner, as GET /api/spawners returns it. The
   * array is serialized once per change and shared by every caller; while only heartbeats
   * change the registry it may lag by up to the registry's list_max_staleness (250 ms). */
  sr_status (*snapshot)(void* self, sr_spawner_json_fn fn, void* ctx);
} sr_spawner_directory_v1;

/* ---- v2 ---- */

/* One spawner, as a plain struct. LIFETIME of the record and its views: the call; copy what
 * you keep. Readers check struct_size before reading fields appended later. */
typedef struct sr_spawner_record {
  uint32_t struct_size;       /* sizeof(sr_spawner_record) as compiled by the provider */
  uint32_t port;              /* 1..65535 */
  uint64_t id;                /* never reused */
  sr_str region;              /* as registered, e.g. "eu-west" */
  sr_str host;                /* as registered: a name or an address */
  uint32_t max_instances;     /* from the latest heartbeat (or the registration) */
  uint32_t current_instances; /* likewise */
  sr_str status;              /* likewise, e.g. "active" */
  int64_t last_seen_ms;       /* Unix epoch, milliseconds: the latest heartbeat */
  uint32_t suspect;           /* 1 when silent for longer than suspect_after, else 0 */
  uint32_t reserved;          /* zero */
  uint64_t revision;          /* see "Lining up a snapshot with events" above */
} sr_spawner_record;

/* Receives one spawner. Return non-zero to continue, 0 to stop the visit. */
typedef int32_t (*sr_spawner_record_fn)(void* ctx, const sr_spawner_record* record);

/* The totals of one region. LIFETIME of the struct and its view: the call. */
typedef struct sr_spawner_region_totals {
  uint32_t struct_size; /* sizeof(sr_spawner_region_totals) as compiled by the provider */
  uint32_t reserved;    /* zero */
  sr_str region;
  uint64_t spawners;          /* registered now in the region */
  uint64_t suspect;           /* of which silent for longer than suspect_after */
  uint64_t current_instances; /* sum over the region's spawners */
  uint64_t max_instances;     /* sum over the region's spawners: the region's capacity */
} sr_spawner_region_totals;

/* Receives one region's totals. Return non-zero to continue, 0 to stop. */
typedef int32_t (*sr_spawner_region_fn)(void* ctx, const sr_spawner_region_totals* totals);

typedef struct sr_spawner_directory_v2 {
  /* v1's fields, in v1's layout. */
  uint32_t struct_size;
  uint32_t reserved;
  void* self;
  sr_status (*totals)(void* self, sr_spawner_totals* out);
  sr_status (*get)(void* self, uint64_t id, sr_spawner_json_fn fn, void* ctx);
  sr_status (*snapshot)(void* self, sr_spawner_json_fn fn, void* ctx);

  /* Calls `fn` once per spawner, by ascending id, until it returns 0. The spawners are
   * copied first (each shard under its lock in turn) and `fn` runs with no lock held, so it
   * may call back into the service. A spawner registered or removed during the copy may or
   * may not be in it; each record is one consistent state of its spawner (its revision says
   * which). SR_OK also when `fn` stopped the visit. */
  sr_status (*visit)(void* self, sr_spawner_record_fn fn, void* ctx);

  /* Calls `fn` once per region that has spawners, by region name (byte order), until it
   * returns 0. Regions without spawners are not listed. */
  sr_status (*region_totals)(void* self, sr_spawner_region_fn fn, void* ctx);
} sr_spawner_directory_v2;

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* SR_SERVICES_SPAWNER_DIRECTORY_H */
