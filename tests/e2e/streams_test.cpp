// Server-sent event streams: broadcast, replay, keep-alive, back-pressure, long life.
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <atomic>
#include <thread>

#include "http_client.h"
#include "kit_host.h"
#include "sanitizers.h"
#include "sse_client.h"
#include "test_host.h"

namespace sr::test {
namespace {

using namespace std::chrono_literals;

TEST(Streams, ReceivesGreetingAndBroadcasts) {
  TestHost host(KitYaml());
  ASSERT_TRUE(host.Start()) << host.Output();
  SseClient stream(host.port());
  auto head = stream.Open("/kit/stream");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.Header("Content-Type"), "text/event-stream; charset=utf-8");
  EXPECT_EQ(head.Header("Cache-Control"), "no-cache");
  auto greeting = stream.Read(2s, 1);
  ASSERT_EQ(greeting.size(), 1u);
  EXPECT_EQ(greeting[0].event, "hello");
  EXPECT_EQ(greeting[0].data, "{\"clients\":1}");
  EXPECT_TRUE(greeting[0].id.empty());  // per-client events carry no id

  auto posted = Fetch(host.port(), "POST", "/kit/broadcast", "line one\nline two");
  EXPECT_EQ(posted.status, 200);
  auto events = stream.Read(2s, 1);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].event, "message");
  EXPECT_EQ(events[0].data, "line one\nline two");
  EXPECT_FALSE(events[0].id.empty());
  EXPECT_EQ(host.Stop(), 0);
}

TEST(Streams, StreamCloseEndsTheClientsStreamAndOnlyThatOne) {
  TestHost host(KitYaml());
  ASSERT_TRUE(host.Start()) << host.Output();
  SseClient closable(host.port());
  ASSERT_EQ(closable.Open("/kit/closable").status, 200);
  ASSERT_EQ(closable.Read(2s, 1).size(), 1u);
  SseClient other(host.port());
  ASSERT_EQ(other.Open("/kit/stream").status, 200);
  ASSERT_EQ(other.Read(2s, 1).size(), 1u);

  auto closed = Fetch(host.port(), "POST", "/kit/close-streams", "");
  EXPECT_EQ(closed.body, "{\"closed\":1,\"second_close_refused\":1}");
  closable.Read(2s);
  EXPECT_TRUE(closable.ended());  // the terminating chunk, then the connection closes
  EXPECT_TRUE(closable.client().WaitForClose(3s));

  // The other stream still flows, and the closed one got nothing after its end.
  Fetch(host.port(), "POST", "/kit/broadcast", "after close");
  auto events = other.Read(2s, 1);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].data, "after close");
  EXPECT_FALSE(other.ended());
  EXPECT_EQ(host.Stop(), 0);
}

TEST(Streams, ReconnectWithLastEventIdReplaysMissedEvents) {
  TestHost host(KitYaml());
  ASSERT_TRUE(host.Start()) << host.Output();
  std::vector<std::string> ids;
  for (int i = 1; i <= 5; ++i) {
    auto response = Fetch(host.port(), "POST", "/kit/broadcast", "event " + std::to_string(i));
    size_t at = response.body.find(':');
    ids.push_back(response.body.substr(at + 1, response.body.size() - at - 2));
  }
  SseClient stream(host.port());
  stream.Open("/kit/stream", ids[1]);  // saw events 1 and 2
  auto events = stream.Read(2s, 4);
  ASSERT_GE(events.size(), 4u);
  // Replay comes before the greeting: the stream continues where the client left off.
  EXPECT_EQ(events[0].data, "event 3");
  EXPECT_EQ(events[1].data, "event 4");
  EXPECT_EQ(events[2].data, "event 5");
  EXPECT_EQ(events[0].id, ids[2]);
  EXPECT_EQ(events[3].event, "hello");

  // An id from before this process started replays nothing.
  SseClient stale(host.port());
  stale.Open("/kit/stream", "17");
  auto fresh = stale.Read(500ms, 1);
  ASSERT_EQ(fresh.size(), 1u);
  EXPECT_EQ(fresh[0].event, "hello");
  EXPECT_EQ(host.Stop(), 0);
}

TEST(Streams, IdleStreamsGetKeepAliveComments) {
  TestHost host(KitYaml("", "      keepalive: 150ms\n"));
  ASSERT_TRUE(host.Start()) << host.Output();
  SseClient stream(host.port());
  stream.Open("/kit/stream");
  stream.Read(800ms);
  EXPECT_GE(stream.comments(), 3u);
  EXPECT_EQ(host.Stop(), 0);
}

TEST(Streams, AClientThatNeverReadsIsDroppedAndMemoryStaysFlat) {
  TestHost host(KitYaml("", "      max_queued: 1MiB\n"), MemoryMeasuredEnv());
  ASSERT_TRUE(host.Start()) << host.Output();
  // A reader that stops reading: tiny receive buffer, never calls recv.
  HttpClient stuck(host.port());
  stuck.set_receive_buffer(4096);
  stuck.Connect();
  stuck.SendRaw("GET /kit/stream HTTP/1.1\r\nHost: x\r\n\r\n");
  // A healthy reader next to it keeps receiving everything.
  SseClient healthy(host.port());
  healthy.Open("/kit/stream");
  std::atomic<bool> done{false};
  std::atomic<int> messages{0};
  std::thread reader([&] {
    while (!done) {
      for (const auto& event : healthy.Read(20ms)) messages += event.event == "message";
    }
  });

  std::uint64_t rss_before = host.RssKib();
  std::string payload(64 * 1024, 'p');
  HttpClient sender(host.port());
  constexpr int kBroadcasts = 200;  // 12.5 MiB in all, far beyond the 1 MiB allowance
  for (int i = 0; i < kBroadcasts; ++i) {
    ASSERT_EQ(sender.Post("/kit/broadcast", payload).status, 200);
    // Paced by the healthy reader, so only the stuck one falls behind.
    auto deadline = std::chrono::steady_clock::now() + 5s;
    while (messages <= i && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(1ms);
    }
  }
  done = true;
  reader.join();
  EXPECT_EQ(messages.load(), kBroadcasts);
  auto stats = sender.Get("/kit/stats").body;
  EXPECT_NE(stats.find("\"streams\":1"), std::string::npos) << stats;
  EXPECT_TRUE(stuck.WaitForClose(5s));
  std::uint64_t rss_after = host.RssKib();
  EXPECT_LT(rss_after, rss_before + 16 * 1024 * kMemorySlack)
      << rss_before << " -> " << rss_after << " KiB";
  EXPECT_NE(host.Output().find("dropping event-stream client"), std::string::npos);
  EXPECT_EQ(host.Stop(), 0);
}

TEST(Streams, ShutdownEndsStreamsCleanly) {
  TestHost host(KitYaml());
  ASSERT_TRUE(host.Start()) << host.Output();
  SseClient stream(host.port());
  stream.Open("/kit/stream");
  stream.Read(300ms, 1);
  std::thread stopper([&] { EXPECT_EQ(host.Stop(), 0); });
  stream.Read(5s);
  stopper.join();
  EXPECT_TRUE(stream.ended());
}

}  // namespace
}  // namespace sr::test
