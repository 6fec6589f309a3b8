// HTTPS: TLS is terminated on the I/O threads, so a client that never completes its
// handshake cannot stall anyone else (Pistache's own TLS handshakes on the accept thread).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>

#include "http_client.h"
#include "test_host.h"

namespace sr::test {
namespace {

using namespace std::chrono_literals;

int ConnectTcp(std::uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  ::inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    ::close(fd);
    return -1;
  }
  timeval timeout{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  return fd;
}

// One HTTPS request with Connection: close; returns the raw response ("" on failure).
std::string HttpsRequest(std::uint16_t port, const std::string& request) {
  SSL_CTX* context = SSL_CTX_new(TLS_client_method());
  SSL* ssl = SSL_new(context);
  int fd = ConnectTcp(port);
  std::string response;
  if (fd >= 0) {
    SSL_set_fd(ssl, fd);
    if (SSL_connect(ssl) == 1) {
      SSL_write(ssl, request.data(), static_cast<int>(request.size()));
      char buffer[16384];
      int read = 0;
      while ((read = SSL_read(ssl, buffer, sizeof(buffer))) > 0) response.append(buffer, read);
    }
    ::close(fd);
  }
  SSL_free(ssl);
  SSL_CTX_free(context);
  return response;
}

class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string command =
        "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost"
        " -keyout " +
        (dir_ / "key.pem").string() + " -out " + (dir_ / "cert.pem").string() + " > /dev/null 2>&1";
    ASSERT_EQ(std::system(command.c_str()), 0) << "openssl could not make a certificate";
  }
  TempDir dir_;
};

TEST_F(TlsTest, ServesHttpsAndRefusesPlainHttp) {
  TestHost host(
      "server:\n  bind: 127.0.0.1\n  port: 0\n  plugin_dir: {{PLUGIN_DIR}}\n"
      "  tls:\n    cert: " +
      (dir_ / "cert.pem").string() + "\n    key: " + (dir_ / "key.pem").string() +
      "\nplugins:\n  - id: hello-cpp\n");
  ASSERT_TRUE(host.Start()) << host.Output();
  std::string response = HttpsRequest(
      host.port(),
      "GET /examples/hello-cpp/secure HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(response.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << response;
  EXPECT_NE(response.find("{\"message\":\"Hello, secure!\"}"), std::string::npos) << response;
  EXPECT_NE(host.Output().find("listening on https://"), std::string::npos);

  // Plain HTTP on the TLS port gets nothing but a closed connection.
  HttpClient plain(host.port());
  plain.Connect();
  plain.SendRaw("GET /health HTTP/1.1\r\nHost: t\r\n\r\n");
  EXPECT_TRUE(plain.WaitForClose(3s));
  EXPECT_EQ(host.Stop(), 0);
}

TEST_F(TlsTest, SilentClientsDoNotStallOtherHandshakes) {
  TestHost host("server:\n  bind: 127.0.0.1\n  port: 0\n  header_timeout: 2s\n  tls:\n    cert: " +
                (dir_ / "cert.pem").string() + "\n    key: " + (dir_ / "key.pem").string() +
                "\nplugins: []\n");
  ASSERT_TRUE(host.Start()) << host.Output();
  std::vector<int> silent;
  for (int i = 0; i < 20; ++i) silent.push_back(ConnectTcp(host.port()));
  auto started = std::chrono::steady_clock::now();
  std::string response =
      HttpsRequest(host.port(), "GET /health HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
  EXPECT_LT(std::chrono::steady_clock::now() - started, 1s);
  EXPECT_NE(response.find("{\"status\":\"healthy\"}"), std::string::npos) << response;
  for (int fd : silent) ::close(fd);
  EXPECT_EQ(host.Stop(), 0);
}

TEST_F(TlsTest, ABadCertificatePathStopsStartUpWithAClearMessage) {
  TestHost host(
      "server:\n  bind: 127.0.0.1\n  port: 0\n  tls:\n    cert: /nowhere/cert.pem\n"
      "    key: /nowhere/key.pem\nplugins: []\n");
  EXPECT_FALSE(host.Start());
  EXPECT_EQ(host.exit_code(), 1);
  EXPECT_NE(host.Output().find("error: TLS certificate /nowhere/cert.pem"), std::string::npos)
      << host.Output();
}

}  // namespace
}  // namespace sr::test
