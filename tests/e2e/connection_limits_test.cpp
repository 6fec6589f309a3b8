// server.max_connections_per_address and idle-first eviction at server.max_connections,
// through the real executable. Other machines are other loopback source addresses.
#include <gtest/gtest.h>

#include <memory>
#include <thread>
#include <vector>

#include "http_client.h"
#include "kit_host.h"
#include "sse_client.h"
#include "test_host.h"

namespace sr::test {
namespace {

using namespace std::chrono_literals;

std::unique_ptr<HttpClient> ServedFrom(const std::string& address, std::uint16_t port) {
  auto client = std::make_unique<HttpClient>(port);
  client->set_source_address(address);
  HttpResponse response = client->Get("/kit/client-ip");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, address);
  return client;
}

TEST(ConnectionLimits, OneAddressIsCappedWhileOthersAreServed) {
  TestHost host(KitYaml("  max_connections_per_address: 8\n"));
  ASSERT_TRUE(host.Start()) << host.Output();
  std::vector<std::unique_ptr<HttpClient>> held;
  for (int i = 0; i < 8; ++i) held.push_back(ServedFrom("127.0.0.2", host.port()));

  HttpClient ninth(host.port());
  ninth.set_source_address("127.0.0.2");
  ninth.Connect();
  EXPECT_TRUE(ninth.WaitForClose(2s));  // closed at once, before any request

  // Another machine is served, and the eight held connections keep working.
  ServedFrom("127.0.0.3", host.port());
  for (auto& client : held) EXPECT_FALSE(client->WaitForClose(10ms));
  EXPECT_EQ(held[0]->Get("/kit/client-ip").body, "127.0.0.2");

  // A connection that ends gives its slot back.
  held.pop_back();
  bool admitted = false;
  for (int attempt = 0; attempt < 50 && !admitted; ++attempt) {
    HttpClient again(host.port());
    again.set_source_address("127.0.0.2");
    again.Connect();
    if (!again.WaitForClose(50ms)) {
      admitted = again.Get("/kit/client-ip").status == 200;
    }
  }
  EXPECT_TRUE(admitted);
  EXPECT_EQ(host.Stop(), 0);
}

TEST(ConnectionLimits, AtTheGlobalCapTheLongestIdleKeepAliveConnectionGoesFirst) {
  TestHost host(KitYaml("  max_connections: 4\n"));
  ASSERT_TRUE(host.Start()) << host.Output();
  auto oldest = ServedFrom("127.0.0.2", host.port());
  std::this_thread::sleep_for(50ms);
  auto newer = ServedFrom("127.0.0.3", host.port());
  // Two busy connections: an event stream, and a request head still arriving.
  SseClient stream(host.port());
  ASSERT_EQ(stream.Open("/kit/stream").status, 200);
  ASSERT_EQ(stream.Read(2s, 1).size(), 1u);
  HttpClient partial(host.port());
  partial.Connect();
  partial.SendRaw("GET /kit/client-ip HTTP/1.1\r\n");

  // The server is full: a fifth client is served, and the longest-idle connection made room.
  auto fifth = ServedFrom("127.0.0.4", host.port());
  EXPECT_TRUE(oldest->WaitForClose(2s));
  EXPECT_FALSE(newer->WaitForClose(200ms));
  // The next one takes the place of the next-longest idle.
  auto sixth = ServedFrom("127.0.0.5", host.port());
  EXPECT_TRUE(newer->WaitForClose(2s));

  // Busy connections were never chosen.
  partial.SendRaw("Host: x\r\n\r\n");
  EXPECT_EQ(partial.ReadResponse().body, "127.0.0.1");
  Fetch(host.port(), "POST", "/kit/broadcast", "still here");
  bool heard = false;
  for (const auto& event : stream.Read(2s, 1)) heard = heard || event.data == "still here";
  EXPECT_TRUE(heard);
  EXPECT_EQ(host.Stop(), 0);
}

TEST(ConnectionLimits, FullOfBusyConnectionsRefusesNewOnes) {
  TestHost host(KitYaml("  max_connections: 2\n"));
  ASSERT_TRUE(host.Start()) << host.Output();
  SseClient first(host.port());
  ASSERT_EQ(first.Open("/kit/stream").status, 200);
  SseClient second(host.port());
  ASSERT_EQ(second.Open("/kit/stream").status, 200);
  HttpClient third(host.port());
  third.Connect();
  EXPECT_TRUE(third.WaitForClose(2s));
  EXPECT_FALSE(first.client().WaitForClose(100ms));
  EXPECT_EQ(host.Stop(), 0);
}

TEST(ConnectionLimits, PerAddressLimitIsValidated) {
  TestHost host(KitYaml("  max_connections_per_address: 0\n"));
  EXPECT_FALSE(host.Start());
  EXPECT_EQ(host.exit_code(), 2);
  EXPECT_NE(host.Output().find("max_connections_per_address"), std::string::npos) << host.Output();
}

}  // namespace
}  // namespace sr::test
