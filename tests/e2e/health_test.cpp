// ABI 1.4 on the real host: a plugin's health_set shows on GET /health, and server_endpoint
// tells plugins the port actually bound (the hosts here listen on port 0).
#include <gtest/gtest.h>

#include <string>

#include "http_client.h"
#include "kit_host.h"
#include "test_host.h"

namespace sr::test {
namespace {

TEST(HostHealth, DegradedWhileAPluginSaysSoThenHealthyAgain) {
  TestHost host(KitYaml());
  ASSERT_TRUE(host.Start()) << host.Output();

  HttpResponse healthy = Fetch(host.port(), "GET", "/health");
  EXPECT_EQ(healthy.status, 200);
  EXPECT_EQ(healthy.body, "{\"status\":\"healthy\"}");
  EXPECT_EQ(healthy.Header("Cache-Control"), "no-store");

  ASSERT_EQ(Fetch(host.port(), "POST", "/kit/health", "database unreachable: \"refused\"").status,
            200);
  HttpResponse degraded = Fetch(host.port(), "GET", "/health");
  EXPECT_EQ(degraded.status, 200) << "a degraded master still serves: the body says what is wrong";
  EXPECT_EQ(degraded.body,
            "{\"status\":\"degraded\",\"degraded\":[{\"plugin\":\"test-kit\","
            "\"reason\":\"database unreachable: \\\"refused\\\"\"}]}");
  EXPECT_EQ(degraded.Header("Cache-Control"), "no-store");
  EXPECT_EQ(degraded.Header("Content-Type"), "application/json");

  // A new reason replaces the old one: one entry per plugin.
  ASSERT_EQ(Fetch(host.port(), "POST", "/kit/health", "disk full").status, 200);
  EXPECT_EQ(Fetch(host.port(), "GET", "/health").body,
            "{\"status\":\"degraded\",\"degraded\":[{\"plugin\":\"test-kit\","
            "\"reason\":\"disk full\"}]}");

  ASSERT_EQ(Fetch(host.port(), "POST", "/kit/health", "").status, 200);
  EXPECT_EQ(Fetch(host.port(), "GET", "/health").body, "{\"status\":\"healthy\"}");

  EXPECT_EQ(host.Stop(), 0) << host.Output();
  // Transitions are logged once each, with the plugin's id.
  std::string output = host.Output();
  EXPECT_NE(output.find("[test-kit] degraded: database unreachable"), std::string::npos) << output;
  EXPECT_NE(output.find("[test-kit] healthy again"), std::string::npos) << output;
}

TEST(HostHealth, ServerEndpointIsTheBoundPortFromInitOn) {
  TestHost host(KitYaml());
  ASSERT_TRUE(host.Start()) << host.Output();
  std::string expected = "127.0.0.1:" + std::to_string(host.port());
  HttpResponse response = Fetch(host.port(), "GET", "/kit/endpoint");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "{\"init\":\"" + expected + "\",\"now\":\"" + expected + "\"}");
  EXPECT_EQ(host.Stop(), 0) << host.Output();
}

}  // namespace
}  // namespace sr::test
