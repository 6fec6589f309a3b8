// Throttles password guessing without handing attackers a way to lock anyone out.
//
// - Per (account, client address): after login_rate_limit.max_failures failures that address
//   is refused (429) for that account, for a lockout that doubles with every further failure.
// - Per client address, over all accounts: the same after address_max_failures failures, so
//   one address cannot spray many accounts.
// - Per account, over all addresses: never a refusal (that would let anyone lock the admin
//   out), only a progressive delay of every answer for the account, growing with its recent
//   failures and capped at a few seconds. A right password from an address without failures
//   therefore always succeeds, at worst a little later.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "failure_limiter.h"

namespace sr::auth {

// The account a login or password check is about: the email, trimmed and lower-cased, cut to
// the longest email there can be (so a huge body cannot make huge keys).
std::string LoginAccountKey(std::string_view email);

struct AccountDelayPolicy {
  std::uint32_t after_failures = 5;            // recent failures before answers slow down
  std::int64_t base_ms = 250;                  // first delay; doubles with each failure
  std::int64_t max_ms = 3'000;                 // cap
  std::int64_t forget_after_ms = 15 * 60'000;  // quiet time after which failures are forgotten
};

class LoginThrottle {
 public:
  LoginThrottle(const FailurePolicy& pair_policy, std::uint32_t address_max_failures,
                const AccountDelayPolicy& delay_policy);

  struct Decision {
    std::int64_t retry_after_ms = 0;  // > 0: refuse (429) and say when to retry
    std::int64_t delay_ms = 0;        // hold the answer this long (account-wide protection)
  };
  // `account`: the normalised email; `ip`: the client address.
  Decision Check(std::string_view account, std::string_view ip, std::int64_t now_ms);
  void RecordFailure(std::string_view account, std::string_view ip, std::int64_t now_ms);
  // Forgets the pair's failures. The account's count stays: an attack on it may go on.
  void RecordSuccess(std::string_view account, std::string_view ip);

  // The delay for an account with `failures` recent failures.
  std::int64_t DelayFor(std::uint32_t failures) const;
  const AccountDelayPolicy& delay_policy() const { return delay_; }

 private:
  AccountDelayPolicy delay_;
  FailureLimiter by_pair_;
  FailureLimiter by_address_;
  FailureLimiter by_account_;  // only counts; never locks
};

}  // namespace sr::auth
