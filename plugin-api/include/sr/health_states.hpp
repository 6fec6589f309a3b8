// Which plugins say they are degraded (ABI 1.4 health_set) and the body of GET /health: the
// rules the host and the fake host (sr/testing/) share, so that both answer the same. Not
// thread-safe: each keeps it under its own lock.
#ifndef SR_HEALTH_STATES_HPP
#define SR_HEALTH_STATES_HPP

#include <sr/text.hpp>

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace sr {

class HealthStates {
 public:
  // Longest reason kept: /health is polled by load balancers and must stay small.
  static constexpr std::size_t kMaxReasonBytes = 1024;
  // The body while no plugin is degraded.
  static constexpr std::string_view kHealthyJson = "{\"status\":\"healthy\"}";

  struct Degraded {
    std::string plugin;
    std::string reason;
  };

  // Records one plugin's state (a plugin has one: degraded with a reason, or healthy); true
  // when it changed, so that callers log transitions only.
  bool Set(std::string_view plugin, bool degraded, std::string_view reason) {
    auto found = std::find_if(degraded_.begin(), degraded_.end(),
                              [&](const Degraded& entry) { return entry.plugin == plugin; });
    if (!degraded) {
      if (found == degraded_.end()) return false;
      degraded_.erase(found);
      return true;
    }
    std::string_view kept = Shorten(reason);
    if (found == degraded_.end()) {
      degraded_.push_back(Degraded{std::string(plugin), std::string(kept)});
      return true;
    }
    if (found->reason == kept) return false;
    found->reason.assign(kept);
    return true;
  }

  // The degraded plugins, in the order they became degraded.
  const std::vector<Degraded>& degraded() const { return degraded_; }

  // {"status":"healthy"}, or {"status":"degraded","degraded":[{"plugin":..,"reason":..}]}.
  std::string Json() const {
    if (degraded_.empty()) return std::string(kHealthyJson);
    std::string out = "{\"status\":\"degraded\",\"degraded\":[";
    for (std::size_t i = 0; i < degraded_.size(); ++i) {
      if (i > 0) out += ',';
      out += "{\"plugin\":";
      AppendJsonString(out, degraded_[i].plugin);
      out += ",\"reason\":";
      AppendJsonString(out, degraded_[i].reason);
      out += '}';
    }
    out += "]}";
    return out;
  }

 private:
  // Cut on a character boundary, so that a long UTF-8 reason does not end in half a character.
  static std::string_view Shorten(std::string_view reason) {
    if (reason.size() <= kMaxReasonBytes) return reason;
    std::size_t cut = kMaxReasonBytes;
    while (cut > 0 && (static_cast<unsigned char>(reason[cut]) & 0xC0U) == 0x80U) --cut;
    return reason.substr(0, cut);
  }

  std::vector<Degraded> degraded_;
};

}  // namespace sr

#endif  // SR_HEALTH_STATES_HPP
