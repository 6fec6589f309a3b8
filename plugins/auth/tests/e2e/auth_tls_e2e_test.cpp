// The session cookie and HSTS under TLS and behind a TLS proxy (secure_cookies): a Secure
// "__Host-sr_session" cookie, only the name of the request's mode accepted, and
// Strict-Transport-Security on every HTTPS response.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>

#include "auth_e2e_support.h"

namespace sr::auth::e2e {
namespace {

using sr::test::Fetch;
using sr::test::HttpResponse;
using sr::test::TempDir;
using sr::test::TestHost;

// One HTTPS request with Connection: close, parsed (status 0 on failure).
HttpResponse Https(std::uint16_t port, const std::string& method, const std::string& target,
                   const std::string& body, const sr::test::HttpClient::Headers& headers) {
  std::string request =
      method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
      "\r\nConnection: close\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  for (const auto& [name, value] : headers) request += name + ": " + value + "\r\n";
  request += "\r\n" + body;
  std::string raw;
  SSL_CTX* context = SSL_CTX_new(TLS_client_method());
  SSL* ssl = SSL_new(context);
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  ::inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
  timeval timeout{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0) {
    SSL_set_fd(ssl, fd);
    if (SSL_connect(ssl) == 1) {
      SSL_write(ssl, request.data(), static_cast<int>(request.size()));
      char buffer[16384];
      int read = 0;
      while ((read = SSL_read(ssl, buffer, sizeof(buffer))) > 0) raw.append(buffer, read);
    }
  }
  ::close(fd);
  SSL_free(ssl);
  SSL_CTX_free(context);

  HttpResponse response;
  std::size_t head_end = raw.find("\r\n\r\n");
  if (raw.rfind("HTTP/1.1 ", 0) != 0 || head_end == std::string::npos) return response;
  response.status = std::atoi(raw.c_str() + 9);
  std::size_t line = raw.find("\r\n") + 2;
  while (line < head_end) {
    std::size_t end = raw.find("\r\n", line);
    std::string header = raw.substr(line, end - line);
    std::size_t colon = header.find(':');
    std::size_t value = header.find_first_not_of(' ', colon + 1);
    response.headers.emplace_back(header.substr(0, colon),
                                  value == std::string::npos ? "" : header.substr(value));
    line = end + 2;
  }
  response.body = raw.substr(head_end + 4);
  return response;
}

std::string SetCookieOf(const HttpResponse& response) { return response.Header("Set-Cookie"); }

constexpr char kLoginBody[] = R"({"email":"admin@example.com","password":"e2e admin password"})";

class AuthTlsE2e : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string command =
        "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost -keyout " +
        (dir_.path() / "key.pem").string() + " -out " + (dir_.path() / "cert.pem").string() +
        " > /dev/null 2>&1";
    ASSERT_EQ(std::system(command.c_str()), 0) << "openssl could not make a certificate";
  }
  std::string TlsYaml() {
    std::string yaml = AuthYaml();
    std::string tls = "  tls:\n    cert: " + (dir_.path() / "cert.pem").string() +
                      "\n    key: " + (dir_.path() / "key.pem").string() + "\n";
    return yaml.insert(yaml.find("plugins:\n"), tls);
  }
  TempDir dir_;
};

TEST_F(AuthTlsE2e, OverTlsTheCookieIsHostPrefixedAndSecureAndHstsIsSent) {
  TestHost host(TlsYaml(), StandardEnv());
  ASSERT_TRUE(host.Start()) << host.Output();
  auto login =
      Https(host.port(), "POST", "/login", kLoginBody, {{"Content-Type", "application/json"}});
  ASSERT_EQ(login.status, 200) << login.body;
  std::string cookie = SetCookieOf(login);
  EXPECT_EQ(cookie.rfind("__Host-sr_session=", 0), 0u) << cookie;
  EXPECT_NE(cookie.find("; Secure"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("; Path=/"), std::string::npos) << cookie;
  EXPECT_EQ(cookie.find("Domain"), std::string::npos) << cookie;
  EXPECT_EQ(login.Header("Strict-Transport-Security"), "max-age=31536000");
  std::string token = SessionCookieOf(login);
  ASSERT_FALSE(token.empty());

  auto me = Https(host.port(), "GET", "/api/me", "", {{"Cookie", "__Host-sr_session=" + token}});
  EXPECT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(me.Header("Strict-Transport-Security"), "max-age=31536000");
  // Only the name of the request's mode counts.
  EXPECT_EQ(Https(host.port(), "GET", "/api/me", "", {{"Cookie", "sr_session=" + token}}).status,
            401);
  // Every response, errors and public pages included.
  EXPECT_EQ(Https(host.port(), "GET", "/login", "", {}).Header("Strict-Transport-Security"),
            "max-age=31536000");
  EXPECT_EQ(Https(host.port(), "GET", "/nowhere", "", {}).Header("Strict-Transport-Security"),
            "max-age=31536000");
  EXPECT_EQ(host.Stop(), 0);
}

TEST_F(AuthTlsE2e, BehindATlsProxySecureCookiesUseTheHostPrefixToo) {
  TestHost host(AuthYaml("      secure_cookies: true\n"), StandardEnv());
  ASSERT_TRUE(host.Start()) << host.Output();
  auto login =
      Fetch(host.port(), "POST", "/login", kLoginBody, {{"Content-Type", "application/json"}});
  ASSERT_EQ(login.status, 200) << login.body;
  EXPECT_EQ(SetCookieOf(login).rfind("__Host-sr_session=", 0), 0u) << SetCookieOf(login);
  EXPECT_NE(SetCookieOf(login).find("; Secure"), std::string::npos);
  EXPECT_FALSE(login.HasHeader("Strict-Transport-Security"));  // plain HTTP: the proxy's job
  std::string token = SessionCookieOf(login);
  EXPECT_EQ(
      Fetch(host.port(), "GET", "/api/me", "", {{"Cookie", "__Host-sr_session=" + token}}).status,
      200);
  EXPECT_EQ(Fetch(host.port(), "GET", "/api/me", "", {{"Cookie", "sr_session=" + token}}).status,
            401);
  EXPECT_EQ(host.Stop(), 0);
}

TEST_F(AuthTlsE2e, PlainHttpKeepsTheUnprefixedName) {
  TestHost host(AuthYaml(), StandardEnv());
  ASSERT_TRUE(host.Start()) << host.Output();
  auto login =
      Fetch(host.port(), "POST", "/login", kLoginBody, {{"Content-Type", "application/json"}});
  ASSERT_EQ(login.status, 200) << login.body;
  EXPECT_EQ(SetCookieOf(login).rfind("sr_session=", 0), 0u) << SetCookieOf(login);
  EXPECT_EQ(SetCookieOf(login).find("Secure"), std::string::npos);
  EXPECT_FALSE(login.HasHeader("Strict-Transport-Security"));
  std::string token = SessionCookieOf(login);
  EXPECT_EQ(Fetch(host.port(), "GET", "/api/me", "", {{"Cookie", "sr_session=" + token}}).status,
            200);
  EXPECT_EQ(
      Fetch(host.port(), "GET", "/api/me", "", {{"Cookie", "__Host-sr_session=" + token}}).status,
      401);
  EXPECT_EQ(host.Stop(), 0);
}

}  // namespace
}  // namespace sr::auth::e2e
