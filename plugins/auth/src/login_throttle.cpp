#include "login_throttle.h"

#include <algorithm>
#include <limits>
#include <string>

#include "text.h"

namespace sr::auth {

std::string LoginAccountKey(std::string_view email) {
  constexpr std::size_t kMaxEmailBytes = 254;
  return AsciiLower(TrimSpaces(email)).substr(0, kMaxEmailBytes);
}

namespace {

FailurePolicy AddressPolicy(FailurePolicy policy, std::uint32_t max_failures) {
  policy.free_failures = max_failures;
  return policy;
}

FailurePolicy CountingPolicy(const FailurePolicy& base, const AccountDelayPolicy& delay) {
  FailurePolicy policy = base;
  policy.free_failures = std::numeric_limits<std::uint32_t>::max();
  policy.forget_after_ms = delay.forget_after_ms;
  return policy;
}

// A NUL cannot occur in an address, so the pair key is unambiguous.
std::string PairKey(std::string_view account, std::string_view ip) {
  std::string key(ip);
  key.push_back('\0');
  key.append(account);
  return key;
}

}  // namespace

LoginThrottle::LoginThrottle(const FailurePolicy& pair_policy, std::uint32_t address_max_failures,
                             const AccountDelayPolicy& delay_policy)
    : delay_(delay_policy),
      by_pair_(pair_policy),
      by_address_(AddressPolicy(pair_policy, address_max_failures)),
      by_account_(CountingPolicy(pair_policy, delay_policy)) {}

std::int64_t LoginThrottle::DelayFor(std::uint32_t failures) const {
  if (failures < delay_.after_failures || delay_.max_ms <= 0) return 0;
  std::uint32_t doublings = failures - delay_.after_failures;
  std::int64_t delay = delay_.base_ms;
  for (std::uint32_t i = 0; i < doublings && delay < delay_.max_ms; ++i) delay *= 2;
  return std::min(delay, delay_.max_ms);
}

LoginThrottle::Decision LoginThrottle::Check(std::string_view account, std::string_view ip,
                                             std::int64_t now_ms) {
  Decision decision;
  decision.retry_after_ms = std::max(by_pair_.LockedForMs(PairKey(account, ip), now_ms).value_or(0),
                                     by_address_.LockedForMs(ip, now_ms).value_or(0));
  decision.delay_ms = DelayFor(by_account_.Failures(account, now_ms));
  return decision;
}

void LoginThrottle::RecordFailure(std::string_view account, std::string_view ip,
                                  std::int64_t now_ms) {
  by_pair_.RecordFailure(PairKey(account, ip), now_ms);
  by_address_.RecordFailure(ip, now_ms);
  by_account_.RecordFailure(account, now_ms);
}

void LoginThrottle::RecordSuccess(std::string_view account, std::string_view ip) {
  by_pair_.Reset(PairKey(account, ip));
}

}  // namespace sr::auth
