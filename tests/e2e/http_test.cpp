// The host's HTTP/1.1 behaviour, seen from a client socket.
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <thread>

#include "http_client.h"
#include "kit_host.h"
#include "test_host.h"

namespace sr::test {
namespace {

using namespace std::chrono_literals;

class HttpTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    host_ =
        new TestHost(KitYaml("  header_timeout: 1s\n  body_timeout: 1s\n  idle_timeout: 1500ms\n"));
    ASSERT_TRUE(host_->Start()) << host_->Output();
  }
  static void TearDownTestSuite() {
    EXPECT_EQ(host_->Stop(), 0) << host_->Output();
    delete host_;
    host_ = nullptr;
  }
  std::uint16_t port() const { return host_->port(); }
  static TestHost* host_;
};
TestHost* HttpTest::host_ = nullptr;

TEST_F(HttpTest, KeepAliveIsTheDefaultForHttp11) {
  HttpClient client(port());
  auto first = client.Get("/health");
  EXPECT_EQ(first.status, 200);
  EXPECT_FALSE(first.HasHeader("Connection"));
  int fd = client.fd();
  auto second = client.Get("/health");
  EXPECT_EQ(second.status, 200);
  EXPECT_EQ(client.fd(), fd) << "the connection was not reused";
}

TEST_F(HttpTest, Http10ClosesUnlessAskedToKeepAlive) {
  HttpClient closing(port());
  closing.SendRaw("GET /health HTTP/1.0\r\n\r\n");
  auto response = closing.ReadResponse();
  EXPECT_EQ(response.Header("Connection"), "close");
  HttpClient keeping(port());
  keeping.SendRaw("GET /health HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
  auto kept = keeping.ReadResponse();
  EXPECT_EQ(kept.Header("Connection"), "keep-alive");
  keeping.SendRaw("GET /health HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
  EXPECT_EQ(keeping.ReadResponse().status, 200);
}

TEST_F(HttpTest, ConnectionCloseIsHonoured) {
  HttpClient client(port());
  client.SendRaw("GET /health HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
  auto response = client.ReadResponse();
  EXPECT_EQ(response.Header("Connection"), "close");
  EXPECT_TRUE(client.WaitForClose(2s));
}

TEST_F(HttpTest, PipelinedRequestsAreAnsweredInOrder) {
  HttpClient client(port());
  client.SendRaw(
      "GET /kit/slow?ms=50 HTTP/1.1\r\nHost: x\r\n\r\n"
      "POST /kit/echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nfirst"
      "GET /health HTTP/1.1\r\nHost: t\r\n\r\n"
      "POST /kit/echo HTTP/1.1\r\nHost: t\r\nContent-Length: 6\r\n\r\nsecond");
  EXPECT_EQ(client.ReadResponse().body, "{\"slow\":true}");
  EXPECT_EQ(client.ReadResponse().body, "first");
  EXPECT_EQ(client.ReadResponse().body, "{\"status\":\"healthy\"}");
  EXPECT_EQ(client.ReadResponse().body, "second");
}

TEST_F(HttpTest, HeadHasHeadersButNoBody) {
  HttpClient client(port());
  auto head = client.Request("HEAD", "/kit/large?bytes=1234");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.Header("Content-Length"), "1234");
  EXPECT_TRUE(head.body.empty());
  // The connection is still in step: the next response parses.
  EXPECT_EQ(client.Get("/health").status, 200);
}

TEST_F(HttpTest, BodiesOverTheRouteLimitGet413AndTheConnectionCloses) {
  HttpClient client(port());
  client.SendRaw("POST /kit/echo HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\n\r\n" +
                 std::string(1000, 'a'));
  auto response = client.ReadResponse();
  EXPECT_EQ(response.status, 413);
  EXPECT_NE(response.body.find("\"error\""), std::string::npos);
  EXPECT_EQ(response.Header("Connection"), "close");
}

TEST_F(HttpTest, AHugeContentLengthIs413Not500) {
  HttpClient client(port());
  client.SendRaw("POST /kit/echo HTTP/1.1\r\nHost: t\r\nContent-Length: 999999999999999\r\n\r\n");
  EXPECT_EQ(client.ReadResponse().status, 413);
}

TEST_F(HttpTest, OversizedHeadersGet431) {
  HttpClient client(port());
  client.SendRaw("GET /health HTTP/1.1\r\nHost: t\r\nX-Big: " + std::string(40000, 'h') +
                 "\r\n\r\n");
  auto response = client.ReadResponse();
  EXPECT_EQ(response.status, 431);
  EXPECT_NE(response.body.find("\"error\""), std::string::npos);
}

TEST_F(HttpTest, MalformedRequestsGet400AndClose) {
  for (const char* raw : {"GARBAGE\r\n\r\n", "GET /a%zz HTTP/1.1\r\nHost: t\r\n\r\n",
                          "GET / HTTP/1.1\r\nHost: t\r\nBad Header: x\r\n\r\n",
                          "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: -1\r\n\r\n"}) {
    HttpClient client(port());
    client.SendRaw(raw);
    auto response = client.ReadResponse();
    EXPECT_EQ(response.status, 400) << raw;
    EXPECT_EQ(response.Header("Content-Type"), "application/json") << raw;
    EXPECT_TRUE(client.WaitForClose(3s)) << raw;
  }
}

TEST_F(HttpTest, ChunkedRequestBodiesAreDecoded) {
  HttpClient client(port());
  client.SendRaw(
      "POST /kit/echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n "
      "world\r\n0\r\n\r\n");
  auto response = client.ReadResponse();
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "hello world");
}

TEST_F(HttpTest, ExpectContinueGets100First) {
  HttpClient client(port());
  client.SendRaw(
      "POST /kit/echo HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
  std::string interim = client.ReadSome(500ms);
  EXPECT_EQ(interim.rfind("HTTP/1.1 100 Continue\r\n\r\n", 0), 0u) << interim;
  client.SendRaw("body");
  EXPECT_EQ(client.ReadResponse().body, "body");
}

TEST_F(HttpTest, AShortBodyTimesOutWith408) {
  HttpClient client(port());
  client.SendRaw("POST /kit/echo HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc");
  auto response = client.ReadResponse();
  EXPECT_EQ(response.status, 408);
  EXPECT_TRUE(client.WaitForClose(3s));
}

TEST_F(HttpTest, Http11WithoutHostIs400AndHttp10WithoutHostIsServed) {
  HttpClient missing(port());
  missing.SendRaw("GET /health HTTP/1.1\r\n\r\n");
  auto refused = missing.ReadResponse();
  EXPECT_EQ(refused.status, 400);
  EXPECT_NE(refused.body.find("Host header"), std::string::npos) << refused.body;
  EXPECT_TRUE(missing.WaitForClose(3s));
  HttpClient twice(port());
  twice.SendRaw("GET /health HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n");
  EXPECT_EQ(twice.ReadResponse().status, 400);
  HttpClient old(port());
  old.SendRaw("GET /health HTTP/1.0\r\n\r\n");
  EXPECT_EQ(old.ReadResponse().status, 200);
}

// Bodies are held to a minimum rate, not to one deadline: a stalled body is cut after one
// window, a slow one that keeps coming is read to the end however long it takes.
TEST(HttpBodyRate, AStalledBodyIsCutAfterOneWindowAProgressingOneIsNot) {
  TestHost host(KitYaml("  body_min_rate: 1KiB\n  body_rate_window: 1s\n"));
  ASSERT_TRUE(host.Start()) << host.Output();
  HttpClient stalled(host.port());
  auto started = std::chrono::steady_clock::now();
  stalled.SendRaw("POST /kit/echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5000\r\n\r\nabc");
  auto cut = stalled.ReadResponse();
  auto waited = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(cut.status, 408);
  EXPECT_NE(cut.body.find("slower than 1024 bytes/s"), std::string::npos) << cut.body;
  EXPECT_GE(waited, 900ms);
  EXPECT_LT(waited, 3s);

  // 3 s in all (three windows), 2 KiB every 250 ms: well above the rate, never cut.
  HttpClient slow(host.port());
  const std::size_t piece = 2048;
  const int pieces = 12;
  slow.SendRaw("POST /kit/echo HTTP/1.1\r\nHost: t\r\nContent-Length: " +
               std::to_string(piece * pieces) + "\r\n\r\n");
  for (int i = 0; i < pieces; ++i) {
    std::this_thread::sleep_for(250ms);
    slow.SendRaw(std::string(piece, 'a' + i % 26));
  }
  auto whole = slow.ReadResponse();
  EXPECT_EQ(whole.status, 200);
  EXPECT_EQ(whole.body.size(), piece * pieces);
  EXPECT_EQ(host.Stop(), 0) << host.Output();
}

TEST_F(HttpTest, SlowHeadersTimeOutWhileOthersAreServed) {
  HttpClient slow(port());
  slow.SendRaw("GET /health HTTP/1.1\r\nHost: t\r\n");
  auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < 3; ++i) {
    std::this_thread::sleep_for(200ms);
    slow.SendRaw("X-Drip: 1\r\n");
    EXPECT_EQ(Fetch(port(), "GET", "/health").status, 200);
  }
  auto response = slow.ReadResponse();
  EXPECT_EQ(response.status, 408);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);
}

TEST_F(HttpTest, IdleKeepAliveConnectionsAreClosed) {
  HttpClient client(port());
  EXPECT_EQ(client.Get("/health").status, 200);
  EXPECT_TRUE(client.WaitForClose(4s));
}

TEST_F(HttpTest, ResponseHeadersReallyArrive) {
  auto response = Fetch(port(), "GET", "/kit/headers");
  EXPECT_EQ(response.Header("ETag"), "\"abc123\"");
  EXPECT_EQ(response.Header("Location"), "/kit/elsewhere");
  EXPECT_EQ(response.Header("Set-Cookie"), "kit=1; HttpOnly");
  EXPECT_EQ(response.Header("Content-Range"), "bytes 0-0/1");
  EXPECT_EQ(response.Header("Accept-Ranges"), "bytes");
  EXPECT_EQ(response.Header("Last-Modified"), "Wed, 25 Nov 2026 20:00:00 GMT");
  EXPECT_FALSE(response.HasHeader("Injected"));
  EXPECT_EQ(response.body, "{\"injection_refused\":true}");
  EXPECT_TRUE(response.HasHeader("Date"));
}

TEST_F(HttpTest, SharedAndFileBodies) {
  HttpClient client(port());
  auto shared = client.Get("/kit/shared");
  EXPECT_EQ(shared.body, std::string(100000, 's'));
  auto whole = client.Get("/kit/file");
  EXPECT_EQ(whole.body.size(), 1u << 20);
  auto part = client.Get("/kit/file?offset=1000&length=10");
  EXPECT_EQ(part.body, std::string(10, 'f'));
  auto beyond = client.Get("/kit/file?offset=2000000&length=10");
  EXPECT_EQ(beyond.status, 416);
}

TEST_F(HttpTest, DeferredAndBlockingHandlers) {
  HttpClient client(port());
  EXPECT_EQ(client.Get("/kit/slow?ms=20").body, "{\"slow\":true}");
  EXPECT_EQ(client.Get("/kit/blocking?ms=20").body, "{\"blocking\":true}");
}

TEST_F(HttpTest, ErrorsAreJsonAndCounted) {
  HttpClient client(port());
  auto before = client.Get("/kit/stats").body;
  auto missing = client.Get("/nothing/here");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.body, "{\"error\":\"no route for GET /nothing/here\"}");
  auto wrong = client.Request("DELETE", "/health");
  EXPECT_EQ(wrong.status, 405);
  EXPECT_EQ(wrong.Header("Allow"), "GET, HEAD");
  auto after = client.Get("/kit/stats").body;
  auto errors = [](const std::string& json) {
    size_t at = json.find("\"errors\":");
    return std::stoi(json.substr(at + 9));
  };
  EXPECT_EQ(errors(after) - errors(before), 2) << before << " -> " << after;
}

TEST_F(HttpTest, InvalidUtf8AndNulBytesNeverBreakJson) {
  HttpClient client(port());
  auto response = client.Get("/bad\xff\xfe%01path");
  EXPECT_EQ(response.status, 404);
  EXPECT_NE(response.body.find("\\ufffd"), std::string::npos) << response.body;
}

}  // namespace
}  // namespace sr::test
