// server.trusted_proxies: X-Forwarded-For is believed only from a trusted peer, and then the
// real client is what plugins (request_client_ip) and the error log see.
#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "http_client.h"
#include "kit_host.h"
#include "test_host.h"

namespace sr::test {
namespace {

using namespace std::chrono_literals;

std::string ClientIpSeen(std::uint16_t port, const std::string& from, const std::string& xff) {
  HttpClient::Headers headers;
  if (!xff.empty()) headers.emplace_back("X-Forwarded-For", xff);
  HttpResponse response = FetchFrom(from, port, "GET", "/kit/client-ip", "", headers);
  EXPECT_EQ(response.status, 200);
  return response.body;
}

TEST(TrustedProxies, ForwardedForIsReadOnlyFromATrustedPeer) {
  TestHost host(KitYaml("  trusted_proxies:\n    - 127.0.0.1\n    - 10.0.0.0/8\n"));
  ASSERT_TRUE(host.Start()) << host.Output();
  std::uint16_t port = host.port();
  // The right-most address that is not a trusted proxy is the client.
  EXPECT_EQ(ClientIpSeen(port, "127.0.0.1", "1.2.3.4, 127.0.0.1"), "1.2.3.4");
  EXPECT_EQ(ClientIpSeen(port, "127.0.0.1", "1.2.3.4, 10.1.2.3"), "1.2.3.4");
  // Entries left of it were written by the client itself: a spoofed prefix changes nothing.
  EXPECT_EQ(ClientIpSeen(port, "127.0.0.1", "6.6.6.6, 1.2.3.4"), "1.2.3.4");
  EXPECT_EQ(ClientIpSeen(port, "127.0.0.1", "::ffff:1.2.3.4"), "1.2.3.4");
  EXPECT_EQ(ClientIpSeen(port, "127.0.0.1", "2001:db8::1"), "2001:db8::1");
  // Only proxies: the left-most one is the client.
  EXPECT_EQ(ClientIpSeen(port, "127.0.0.1", "10.9.9.9, 127.0.0.1"), "10.9.9.9");
  // Malformed entries make the header unusable: the peer it is.
  EXPECT_EQ(ClientIpSeen(port, "127.0.0.1", "1.2.3.4, not-an-address"), "127.0.0.1");
  EXPECT_EQ(ClientIpSeen(port, "127.0.0.1", "1.2.3.4,,127.0.0.1"), "127.0.0.1");
  EXPECT_EQ(ClientIpSeen(port, "127.0.0.1", "1.2.3.4:5678"), "127.0.0.1");
  EXPECT_EQ(ClientIpSeen(port, "127.0.0.1", ""), "127.0.0.1");
  // An untrusted peer's header is ignored.
  EXPECT_EQ(ClientIpSeen(port, "127.0.0.2", "1.2.3.4"), "127.0.0.2");
  EXPECT_EQ(ClientIpSeen(port, "127.0.0.2", "1.2.3.4, 127.0.0.1"), "127.0.0.2");
  EXPECT_EQ(host.Stop(), 0);
}

TEST(TrustedProxies, TheErrorLogRecordsTheRealClient) {
  TestHost host(KitYaml("  trusted_proxies:\n    - 127.0.0.1\n"));
  ASSERT_TRUE(host.Start()) << host.Output();
  HttpClient::Headers forwarded{{"X-Forwarded-For", "9.9.9.9, 1.2.3.4, 127.0.0.1"}};
  EXPECT_EQ(FetchFrom("127.0.0.1", host.port(), "GET", "/kit/throw", "", forwarded).status, 500);
  EXPECT_EQ(FetchFrom("127.0.0.2", host.port(), "GET", "/kit/nowhere", "", forwarded).status, 404);
  std::string log = Fetch(host.port(), "GET", "/kit/errors").body;
  EXPECT_NE(log.find("500 1.2.3.4 /kit/throw\n"), std::string::npos) << log;
  EXPECT_NE(log.find("404 127.0.0.2 /kit/nowhere\n"), std::string::npos) << log;
  EXPECT_EQ(log.find("9.9.9.9"), std::string::npos) << log;
  EXPECT_EQ(host.Stop(), 0);
}

TEST(TrustedProxies, AProxyIsNotCappedPerAddress) {
  // A proxy carries many clients: only max_connections applies to it.
  TestHost host(KitYaml("  max_connections_per_address: 2\n  trusted_proxies:\n    - 127.0.0.1\n"));
  ASSERT_TRUE(host.Start()) << host.Output();
  std::vector<std::unique_ptr<HttpClient>> proxy;
  for (int i = 0; i < 5; ++i) {
    proxy.push_back(std::make_unique<HttpClient>(host.port()));
    proxy.back()->set_source_address("127.0.0.1");
    EXPECT_EQ(proxy.back()->Get("/kit/client-ip").status, 200);
  }
  std::vector<std::unique_ptr<HttpClient>> direct;
  for (int i = 0; i < 2; ++i) {
    direct.push_back(std::make_unique<HttpClient>(host.port()));
    direct.back()->set_source_address("127.0.0.2");
    EXPECT_EQ(direct.back()->Get("/kit/client-ip").status, 200);
  }
  HttpClient third(host.port());
  third.set_source_address("127.0.0.2");
  third.Connect();
  EXPECT_TRUE(third.WaitForClose(2s));
  EXPECT_EQ(host.Stop(), 0);
}

TEST(TrustedProxies, AMalformedRangeIsAConfigurationError) {
  TestHost host(KitYaml("  trusted_proxies:\n    - 10.0.0.0/33\n"));
  EXPECT_FALSE(host.Start());
  EXPECT_EQ(host.exit_code(), 2);
  EXPECT_NE(host.Output().find("trusted_proxies.0"), std::string::npos) << host.Output();
  EXPECT_NE(host.Output().find("10.0.0.0/33"), std::string::npos) << host.Output();
}

}  // namespace
}  // namespace sr::test
