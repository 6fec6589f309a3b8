// First-start work that must happen once per cluster (the first admin, the generated API key)
// when several masters start at once on an empty database. The store offers atomic batches but
// no insert-if-absent, so each master writes a claim of its own, reads all claims back, and
// goes ahead only when it sees no other live claim; whoever sees another withdraws, waits a
// random moment and looks again. Why at most one master goes ahead at a time: of two claims
// that overlap, the later write is followed by a read that sees the earlier one. A winner also
// checks again that the work is still needed after its read, and keeps its claim until the
// work is stored, so a master that arrives later sees either the claim or the result.
// A claim older than `stale_after_ms` belongs to a master that died mid-way and is ignored
// (claims carry the wall-clock time of their master: the masters' clocks must agree to within
// a few seconds, as NTP keeps them).
//
// A lease (Lead) would not do here: it is held until its master dies, so a master that started
// later could never tell "the holder is bootstrapping" from "the holder finished long ago".
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

#include "clock.h"
#include "key_value_store.h"

namespace sr::auth {

struct BootstrapClaimTiming {
  std::int64_t stale_after_ms = 30'000;
  std::int64_t give_up_after_ms = 60'000;
  std::int64_t max_backoff_ms = 300;
};

using SleepFn = std::function<void(std::int64_t ms)>;

class BootstrapClaim {
 public:
  static constexpr std::string_view kSpace = "auth";
  static constexpr std::string_view kPrefix = "bootstrap_claim/";

  BootstrapClaim(KeyValueStore& store, NowFn now, SleepFn sleep, BootstrapClaimTiming timing = {});

  // Runs `work` if `needed()` (which must read the store, not memory) says so, on at most one
  // master at a time. Returns true if `work` ran here; false once `needed()` says another
  // master did it. Throws StoreError, what `work` throws, or StoreError when other claims
  // keep it out for longer than give_up_after_ms.
  bool Run(const std::function<bool()>& needed, const std::function<void()>& work);

 private:
  // True when no live claim but `mine` exists; deletes stale ones on the way.
  bool Alone(const std::string& mine);

  KeyValueStore& store_;
  NowFn now_;
  SleepFn sleep_;
  BootstrapClaimTiming timing_;
};

}  // namespace sr::auth
