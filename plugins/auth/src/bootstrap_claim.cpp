#include "bootstrap_claim.h"

#include <sodium.h>

#include <charconv>
#include <string>
#include <vector>

#include "crypto.h"

namespace sr::auth {

namespace {

constexpr std::size_t kClaimIdBytes = 16;

// Deletes the claim however the work ends: a claim left behind would hold every other master
// off until it goes stale.
class ClaimRelease {
 public:
  ClaimRelease(KeyValueStore& store, std::string key) : store_(store), key_(std::move(key)) {}
  ClaimRelease(const ClaimRelease&) = delete;
  ClaimRelease& operator=(const ClaimRelease&) = delete;
  ClaimRelease(ClaimRelease&&) = delete;
  ClaimRelease& operator=(ClaimRelease&&) = delete;
  ~ClaimRelease() {
    try {
      store_.Write({KvOp::Delete(std::string(BootstrapClaim::kSpace), key_)});
    } catch (...) {  // it goes stale instead
    }
  }

 private:
  KeyValueStore& store_;
  std::string key_;
};

std::string PrefixEnd() {
  std::string end(BootstrapClaim::kPrefix);
  end.back() = static_cast<char>(end.back() + 1);  // the first key past the prefix
  return end;
}

}  // namespace

BootstrapClaim::BootstrapClaim(KeyValueStore& store, NowFn now, SleepFn sleep,
                               BootstrapClaimTiming timing)
    : store_(store), now_(std::move(now)), sleep_(std::move(sleep)), timing_(timing) {}

bool BootstrapClaim::Alone(const std::string& mine) {
  bool alone = true;
  std::vector<KvOp> stale;
  const std::int64_t now_ms = now_();
  store_.Scan(kSpace, kPrefix, PrefixEnd(), 0, false,
              [&](std::string_view key, std::string_view value) {
                if (key == mine) return true;
                std::int64_t at = 0;
                auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), at);
                bool parsed = error == std::errc() && end == value.data() + value.size();
                if (!parsed || now_ms - at > timing_.stale_after_ms) {
                  stale.push_back(KvOp::Delete(std::string(kSpace), std::string(key)));
                } else {
                  alone = false;
                }
                return true;
              });
  store_.Write(stale);
  return alone;
}

bool BootstrapClaim::Run(const std::function<bool()>& needed, const std::function<void()>& work) {
  InitSodium();
  const std::int64_t give_up_ms = now_() + timing_.give_up_after_ms;
  for (;;) {
    if (!needed()) return false;
    std::string mine = std::string(kPrefix).append(RandomToken(kClaimIdBytes));
    store_.Write({KvOp::Put(std::string(kSpace), mine, std::to_string(now_()))});
    {
      ClaimRelease release(store_, mine);
      if (Alone(mine)) {
        if (!needed()) return false;  // done by a master whose claim ended before ours began
        work();
        return true;
      }
    }
    if (now_() >= give_up_ms) {
      throw StoreError("other masters kept the first-start set-up busy for too long");
    }
    // A random pause, so that two masters that saw each other do not collide again.
    std::uint32_t drawn = randombytes_uniform(static_cast<std::uint32_t>(timing_.max_backoff_ms));
    std::int64_t backoff_ms = static_cast<std::int64_t>(drawn) + 1;
    sleep_(backoff_ms);
  }
}

}  // namespace sr::auth
