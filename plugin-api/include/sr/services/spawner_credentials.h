/*
 * Service "spawner-credentials", version 1: checks the per-spawner tokens that the registry
 * hands out at registration, for the plugin that authenticates requests (auth).
 *
 * Provided by the spawner-registry plugin. Plain C99, versioned like the plugin ABI.
 * A token has the form "srt_<spawner id>_<secret>"; the registry keeps only a digest of it,
 * and the token stops working when its spawner is deleted or expires.
 *
 * THREAD: every function may be called from any thread; none blocks on I/O.
 */
#ifndef SR_SERVICES_SPAWNER_CREDENTIALS_H
#define SR_SERVICES_SPAWNER_CREDENTIALS_H

#include <sr/abi.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SR_SPAWNER_CREDENTIALS_SERVICE "spawner-credentials"
#define SR_SPAWNER_CREDENTIALS_VERSION 1

typedef struct sr_spawner_credentials_v1 {
  uint32_t struct_size;
  uint32_t reserved;
  void* self;

  /* Returns 1 and sets *spawner_id when `token` is the current token of a registered
   * spawner, else 0 (also for anything that is not a token). The secret is compared in
   * constant time. OWNERSHIP: `token` is only read during the call. */
  int32_t (*verify_token)(void* self, sr_str token, uint64_t* spawner_id);
} sr_spawner_credentials_v1;

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* SR_SERVICES_SPAWNER_CREDENTIALS_H */
