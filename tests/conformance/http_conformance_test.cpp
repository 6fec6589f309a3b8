// The HTTP conformance suite: every case of http_cases.h against the real spawner-master
// (through its socket, with the http-conformance fixture plugin loaded from disk) and against
// sr::testing::FakeHost (the same plugin linked in). Each must answer as the table says, and
// both must answer alike; a rule that drifts between them fails here.
#include <gtest/gtest.h>
#include <sr/testing/fake_host.hpp>

#include <memory>
#include <string>

#include "http_cases.h"
#include "http_client.h"
#include "test_host.h"

extern "C" const sr_plugin_descriptor* sr_plugin_entry_v1(void);

namespace sr::test {
namespace {

struct Observed {
  int status = 0;
  std::string body;
  HeaderList headers;

  std::string Header(const std::string& name) const {
    for (const auto& [key, value] : headers) {
      if (sr::http::EqualsIgnoreCase(key, name)) return value;
    }
    return "<absent>";
  }
};

std::vector<Observed> RunOnRealHost() {
  TestHost host(
      "server:\n  bind: 127.0.0.1\n  port: 0\n  plugin_dir: {{FIXTURE_DIR}}\n"
      "  missing_guards: deny\nplugins:\n  - id: http-conformance\n");
  EXPECT_TRUE(host.Start()) << host.Output();
  std::vector<Observed> observed;
  HttpClient client(host.port());
  for (const HttpCase& c : HttpCases()) {
    HttpClient::Headers headers = c.headers;
    HttpResponse response = client.Request(c.method, c.target, c.body, headers);
    observed.push_back(Observed{response.status, response.body, response.headers});
  }
  EXPECT_EQ(host.Stop(), 0) << host.Output();
  return observed;
}

std::vector<Observed> RunOnFakeHost() {
  sr::testing::FakeHost host;
  host.SetMissingGuards(sr::testing::FakeHost::DenyMissingGuards());
  EXPECT_TRUE(host.Load(sr_plugin_entry_v1()).ok());
  EXPECT_TRUE(host.Start().ok());
  std::vector<Observed> observed;
  for (const HttpCase& c : HttpCases()) {
    sr::testing::FakeResponse response = host.Call(c.method, c.target, c.body, c.headers);
    observed.push_back(Observed{response.status, response.body, response.headers});
  }
  return observed;
}

void ExpectTable(const std::vector<Observed>& observed) {
  ASSERT_EQ(observed.size(), HttpCases().size());
  for (size_t i = 0; i < observed.size(); ++i) {
    const HttpCase& c = HttpCases()[i];
    SCOPED_TRACE(c.name + ": " + c.method + " " + c.target);
    EXPECT_EQ(observed[i].status, c.status);
    EXPECT_EQ(observed[i].body, c.response_body);
    for (const auto& [name, value] : c.response_headers) {
      EXPECT_EQ(observed[i].Header(name), value) << name;
    }
  }
}

class HttpConformance : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    real_ = std::make_unique<std::vector<Observed>>(RunOnRealHost());
    fake_ = std::make_unique<std::vector<Observed>>(RunOnFakeHost());
  }
  static void TearDownTestSuite() {
    real_.reset();
    fake_.reset();
  }
  static std::unique_ptr<std::vector<Observed>> real_;
  static std::unique_ptr<std::vector<Observed>> fake_;
};
std::unique_ptr<std::vector<Observed>> HttpConformance::real_;
std::unique_ptr<std::vector<Observed>> HttpConformance::fake_;

TEST_F(HttpConformance, RealHostAnswersAsTheTableSays) { ExpectTable(*real_); }

TEST_F(HttpConformance, FakeHostAnswersAsTheTableSays) { ExpectTable(*fake_); }

TEST_F(HttpConformance, BothHostsAnswerAlike) {
  ASSERT_EQ(real_->size(), fake_->size());
  for (size_t i = 0; i < real_->size(); ++i) {
    const HttpCase& c = HttpCases()[i];
    SCOPED_TRACE(c.name + ": " + c.method + " " + c.target);
    EXPECT_EQ((*real_)[i].status, (*fake_)[i].status);
    EXPECT_EQ((*real_)[i].body, (*fake_)[i].body);
    for (const char* name : {"Allow", "Location"}) {
      EXPECT_EQ((*real_)[i].Header(name), (*fake_)[i].Header(name)) << name;
    }
  }
}

}  // namespace
}  // namespace sr::test
