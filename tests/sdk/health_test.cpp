// The SDK's ABI 1.4 calls over sr::testing::FakeHost: Host::SetHealth shows as the host's
// /health would show it, Host::ServerEndpoint answers what the fake host was told, and both
// are inert on an older host's table.
#include <sr/testing/fake_host.hpp>

#include <gtest/gtest.h>

#include <string>

namespace {

using sr::testing::FakeHost;

// POST /health: a body is the reason it is degraded, an empty one says it recovered.
// GET /endpoint: ServerEndpoint() as seen during Init.
class Reporter final : public sr::Plugin {
 public:
  static sr::PluginInfo Info() { return {"reporter", "1.0.0", "reports its health"}; }
  void Init(sr::Host& host) override {
    host_ = &host;
    endpoint_ = host.ServerEndpoint();
    host.Route("POST", "/health", "public", [this](sr::Request& request, sr::Response& response) {
      host_->SetHealth(!request.Body().empty(), request.Body());
      response.Text(200, "ok");
    });
    host.Route("GET", "/endpoint", "public", [this](sr::Request&, sr::Response& response) {
      response.Text(200, endpoint_.empty() ? "(empty)" : endpoint_);
    });
  }

 private:
  sr::Host* host_ = nullptr;
  std::string endpoint_;
};

// Says it is degraded, then fails its init: the host withdraws it, state included.
class DegradedThenFails final : public sr::Plugin {
 public:
  static sr::PluginInfo Info() { return {"gives-up", "1.0.0", ""}; }
  void Init(sr::Host& host) override {
    host.SetHealth(true, "cannot open the store");
    throw sr::Error("cannot open the store");
  }
};

TEST(SdkHealth, DegradedAndBackAsTheHostsHealthSaysIt) {
  FakeHost host;
  ASSERT_TRUE(host.Load(sr::detail::DescriptorFor<Reporter, SR_ABI_MINOR>()).ok());
  ASSERT_TRUE(host.Start().ok());
  EXPECT_EQ(host.HealthJson(), "{\"status\":\"healthy\"}");

  host.Call("POST", "/health", "database unreachable");
  ASSERT_EQ(host.Degraded().size(), 1U);
  EXPECT_EQ(host.Degraded()[0].plugin, "reporter");
  EXPECT_EQ(host.HealthJson(),
            "{\"status\":\"degraded\",\"degraded\":[{\"plugin\":\"reporter\","
            "\"reason\":\"database unreachable\"}]}");
  host.Call("POST", "/health", "database unreachable");  // a repeat is no transition
  host.Call("POST", "/health", "");
  EXPECT_TRUE(host.Degraded().empty());

  std::vector<std::string> logged;
  for (const auto& line : host.Logs()) logged.push_back(line.message);
  EXPECT_EQ(logged, (std::vector<std::string>{"degraded: database unreachable", "healthy again"}));
}

TEST(SdkHealth, ServerEndpointIsWhatTheHostWasToldFromInitOn) {
  FakeHost host;
  host.SetServerEndpoint("10.1.2.3:40123");
  ASSERT_TRUE(host.Load(sr::detail::DescriptorFor<Reporter, SR_ABI_MINOR>()).ok());
  ASSERT_TRUE(host.Start().ok());
  EXPECT_EQ(host.Call("GET", "/endpoint").body, "10.1.2.3:40123");
}

TEST(SdkHealth, OnA13HostSetHealthDoesNothingAndServerEndpointIsEmpty) {
  FakeHost host;
  host.SetHostAbiMinor(3);
  ASSERT_TRUE(host.Load(sr::detail::DescriptorFor<Reporter, 3>()).ok());
  ASSERT_TRUE(host.Start().ok());
  EXPECT_EQ(host.Call("POST", "/health", "database unreachable").status, 200);
  EXPECT_TRUE(host.Degraded().empty());
  EXPECT_EQ(host.Call("GET", "/endpoint").body, "(empty)");
}

TEST(SdkHealth, AWithdrawnPluginIsNoLongerDegraded) {
  FakeHost host;
  EXPECT_FALSE(host.Load(sr::detail::DescriptorFor<DegradedThenFails, SR_ABI_MINOR>()).ok());
  EXPECT_TRUE(host.Degraded().empty());
  EXPECT_EQ(host.HealthJson(), "{\"status\":\"healthy\"}");
}

}  // namespace
