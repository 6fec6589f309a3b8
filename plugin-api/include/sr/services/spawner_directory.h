/*
 * Service "spawner-directory", version 1: read access to the spawner registry for other
 * plugins (the dashboard), without touching the registry's internals.
 *
 * Provided by the spawner-registry plugin. Plain C99, versioned like the plugin ABI.
 * Spawner JSON objects have the fields of GET /api/spawners/{id}: id, region, host, port,
 * max_instances, current_instances, status, last_seen (RFC 3339 UTC) and health
 * ("healthy" or "suspect").
 *
 * THREAD: every function may be called from any thread; none blocks on I/O.
 */
#ifndef SR_SERVICES_SPAWNER_DIRECTORY_H
#define SR_SERVICES_SPAWNER_DIRECTORY_H

#include <sr/abi.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SR_SPAWNER_DIRECTORY_SERVICE "spawner-directory"
#define SR_SPAWNER_DIRECTORY_VERSION 1

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

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* SR_SERVICES_SPAWNER_DIRECTORY_H */
