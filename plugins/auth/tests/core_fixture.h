// Shared set-up for the unit tests: a manual clock and an AuthCore over an in-memory store
// with the cheapest argon2 parameters, so tests stay fast.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "auth_core.h"
#include "http_types.h"
#include "memory_key_value_store.h"

namespace sr::auth::testing {

class ManualClock {
 public:
  std::int64_t now_ms = 1'700'000'000'000;
  NowFn Fn() {
    return [this] { return now_ms; };
  }
  void Advance(std::int64_t ms) { now_ms += ms; }
};

inline AuthSettings FastSettings() {
  AuthSettings settings;
  settings.argon2 = Argon2Limits::Minimum();
  settings.sessions.idle_timeout_ms = 60'000;
  settings.sessions.lifetime_ms = 600'000;
  settings.login_limit.free_failures = 3;
  settings.login_limit.base_lockout_ms = 1'000;
  settings.login_limit.max_lockout_ms = 8'000;
  return settings;
}

struct CoreFixture {
  explicit CoreFixture(AuthSettings settings = FastSettings())
      : core(store, settings, clock.Fn(),
             [this](std::string_view message) { warnings.emplace_back(message); }) {
    core.Load();
  }

  User AddUser(const std::string& email, Role role, const std::string& password) {
    return *core.users().Create(email, role, core.hasher().Hash(password), clock.now_ms);
  }

  MemoryKeyValueStore store;
  ManualClock clock;
  std::vector<std::string> warnings;
  AuthCore core;
};

// A request as a same-origin browser page would send it.
inline RequestFacts SameOriginRequest(std::string_view method, std::string_view path) {
  RequestFacts facts;
  facts.method = method;
  facts.path = path;
  facts.client_ip = "192.0.2.10";
  facts.host = "registry.example";
  facts.origin = "https://registry.example";
  return facts;
}

}  // namespace sr::auth::testing
