// A stand-in for the auth plugin in the SDK's fake host: it provides the `session` guard and
// names the session from a test header, as the real auth plugin does from the session cookie.
#pragma once

#include <sr/plugin.hpp>

namespace sr::dashboard::testing {

class StandInAuth final : public sr::Plugin {
 public:
  static sr::PluginInfo Info() {
    sr::PluginInfo info{"stand-in-auth", "1.0.0", "session guard for tests"};
    info.provides = {sr::GuardCapability("session")};
    return info;
  }
  void Init(sr::Host& host) override {
    host.RegisterGuard("session", [](sr::Request& request, sr::Response&, std::string_view) {
      auto session = request.Header("X-Test-Session");
      if (!session) return SR_GUARD_ABSTAIN;
      request.SetAttribute("user", "ann@example.com");
      request.SetAttribute("role", "viewer");
      request.SetAttribute("session", *session);
      return SR_GUARD_ALLOW;
    });
  }
};

}  // namespace sr::dashboard::testing
