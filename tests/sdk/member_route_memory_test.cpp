// The SDK's member routes (Host::Route<&T::Method>) and memory reports (ABI 1.3:
// Plugin::ReportMemory, Host::PluginMemory), under the fake host. Compiled as C++17.
#include <sr/testing/fake_host.hpp>

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace {

using sr::testing::FakeHost;

class Counter final : public sr::Plugin {
 public:
  static sr::PluginInfo Info() { return {"counter", "1.0.0", "member routes, a memory report"}; }

  void Init(sr::Host& host) override {
    host.Route<&Counter::Bump>("POST", "/bump", "public", this);
    host.Route<&Counter::Fail>("GET", "/fail", "public", this);
  }
  void ReportMemory(sr::MemoryReport& report) const override {
    report.Add("counts", 1000 + static_cast<std::uint64_t>(count_));
    report.Add("buffers", 24);
  }

 private:
  void Bump(sr::Request& request, sr::Response& response) {
    ++count_;
    response.Json(200, "{\"count\":" + std::to_string(count_) + ",\"body\":\"" +
                           std::string(request.Body()) + "\"}");
  }
  void Fail(sr::Request&, sr::Response&) { throw std::runtime_error("broken"); }

  int count_ = 0;
};

// Reads every plugin's report through the host, as the dashboard does.
class Reader final : public sr::Plugin {
 public:
  static sr::PluginInfo Info() { return {"reader", "1.0.0", "reads memory reports"}; }
  void Init(sr::Host& host) override {
    host.Route("GET", "/memory", "public", [&host](sr::Request&, sr::Response& response) {
      std::string text;
      for (const sr::PluginMemoryItem& item : host.PluginMemory()) {
        text += item.plugin + "/" + item.item + "=" + std::to_string(item.bytes) + ";";
      }
      response.Send(200, text, "text/plain");
    });
  }
};

TEST(SdkMemberRoute, ReachesTheMemberFunctionOfTheObject) {
  FakeHost host;
  ASSERT_TRUE(host.Load(sr::detail::DescriptorFor<Counter>()).ok());
  ASSERT_TRUE(host.Start().ok());
  EXPECT_EQ(host.Call("POST", "/bump", "a").body, R"({"count":1,"body":"a"})");
  EXPECT_EQ(host.Call("POST", "/bump", "b").body, R"({"count":2,"body":"b"})");
}

TEST(SdkMemberRoute, AnExceptionBecomesA500LikeAnyHandlers) {
  FakeHost host;
  ASSERT_TRUE(host.Load(sr::detail::DescriptorFor<Counter>()).ok());
  ASSERT_TRUE(host.Start().ok());
  EXPECT_EQ(host.Call("GET", "/fail").status, 500);
}

TEST(SdkMemoryReport, EveryStartedPluginsItemsInLoadOrder) {
  FakeHost host;
  ASSERT_TRUE(host.Load(sr::detail::DescriptorFor<Counter>()).ok());
  ASSERT_TRUE(host.Load(sr::detail::DescriptorFor<Reader>()).ok());
  ASSERT_TRUE(host.Start().ok());
  host.Call("POST", "/bump", "");
  EXPECT_EQ(host.Call("GET", "/memory").body, "counter/counts=1001;counter/buffers=24;");
}

TEST(SdkMemoryReport, AHostOlderThan13HasNoReports) {
  FakeHost host;
  host.SetHostAbiMinor(2);
  ASSERT_TRUE(host.Load(sr::detail::DescriptorFor<Counter, 2>()).ok());
  ASSERT_TRUE(host.Load(sr::detail::DescriptorFor<Reader, 2>()).ok());
  ASSERT_TRUE(host.Start().ok());
  EXPECT_EQ(host.Call("GET", "/memory").body, "");
}

}  // namespace
