// The SDK's one error rule (plugin-api/ABI.md, "Errors"): every wrapper that can fail throws
// sr::Error with the host's status, sr::ShuttingDown for SR_ERR_SHUTTING_DOWN, and the route
// trampoline never writes a 500 into a response the handler has handed off.
#include <sr/testing/fake_host.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace std::chrono_literals;
using sr::testing::FakeHost;
using sr::testing::FakeResponse;

// ---------------------------------------------------------------------------------------
// Every wrapper reports a failing host call: a host table whose entries all fail
// ---------------------------------------------------------------------------------------

sr_status g_failure = SR_ERR_INTERNAL;  // what every entry of the failing table answers

sr_status FailSetAttribute(sr_request*, sr_str, sr_str) { return g_failure; }
sr_status FailAddHeader(sr_response*, sr_str, sr_str) { return g_failure; }
sr_status FailBroadcast(sr_stream_group*, sr_str, sr_str, uint32_t, uint64_t*) { return g_failure; }
sr_status FailSend(sr_stream*, sr_str, sr_str) { return g_failure; }
sr_status FailClose(sr_stream*) { return g_failure; }
void IgnoreRelease(sr_stream*) {}
sr_status FailPublish(sr_host*, sr_str, sr_str) { return g_failure; }
sr_status FailStats(sr_host*, sr_host_stats*) { return g_failure; }
sr_status FailErrorLog(sr_host*, uint64_t, size_t, int32_t, sr_error_entry_fn, void*) {
  return g_failure;
}
sr_status FailSchedule(sr_host*, const sr_task_spec*, sr_task**) { return g_failure; }

sr_host_api FailingApi() {
  sr_host_api api{};
  api.struct_size = sizeof(api);
  api.abi_major = SR_ABI_MAJOR;
  api.abi_minor = SR_ABI_MINOR;
  api.request_set_attribute = &FailSetAttribute;
  api.response_add_header = &FailAddHeader;
  api.stream_group_broadcast = &FailBroadcast;
  api.stream_send = &FailSend;
  api.stream_close = &FailClose;
  api.stream_release = &IgnoreRelease;
  api.event_publish = &FailPublish;
  api.stats_read = &FailStats;
  api.error_log_read = &FailErrorLog;
  api.task_schedule = &FailSchedule;
  return api;
}

// Runs `call` and returns the status of the sr::Error it threw (SR_OK if none).
template <typename Call>
sr_status StatusThrownBy(Call call) {
  try {
    call();
  } catch (const sr::Error& error) {
    return error.status();
  }
  return SR_OK;
}

TEST(SdkErrorContract, FormerlySilentCallsThrowTheHostsStatus) {
  g_failure = SR_ERR_UNAVAILABLE;
  const sr_host_api api = FailingApi();
  auto* raw_host = reinterpret_cast<sr_host*>(0x1);
  sr::Host host(raw_host, &api);
  sr::Request request(&api, nullptr);
  sr::Response response(&api, nullptr);
  sr::StreamGroup group(&api, reinterpret_cast<sr_stream_group*>(0x1));

  EXPECT_EQ(StatusThrownBy([&] { host.Publish("t", "{}"); }), SR_ERR_UNAVAILABLE);
  EXPECT_EQ(StatusThrownBy([&] { group.Broadcast("e", "d"); }), SR_ERR_UNAVAILABLE);
  EXPECT_EQ(StatusThrownBy([&] { request.SetAttribute("user", "ann"); }), SR_ERR_UNAVAILABLE);
  EXPECT_EQ(StatusThrownBy([&] { host.Stats(); }), SR_ERR_UNAVAILABLE);
  EXPECT_EQ(StatusThrownBy([&] { host.Errors(0, 10, false); }), SR_ERR_UNAVAILABLE);
  EXPECT_EQ(StatusThrownBy([&] { response.AddHeader("X-A", "b"); }), SR_ERR_UNAVAILABLE);
  EXPECT_EQ(StatusThrownBy([&] { host.Run("late", [] {}); }), SR_ERR_UNAVAILABLE);
}

TEST(SdkErrorContract, ShuttingDownIsItsOwnExceptionType) {
  g_failure = SR_ERR_SHUTTING_DOWN;
  const sr_host_api api = FailingApi();
  sr::Host host(reinterpret_cast<sr_host*>(0x1), &api);
  EXPECT_THROW(host.Publish("t", "{}"), sr::ShuttingDown);
  EXPECT_THROW(host.Run("late", [] {}), sr::ShuttingDown);
  try {
    host.Publish("spawner.updated", "{}");
  } catch (const sr::ShuttingDown& error) {
    EXPECT_EQ(error.status(), SR_ERR_SHUTTING_DOWN);
    EXPECT_NE(std::string(error.what()).find("spawner.updated"), std::string::npos);
  }
  g_failure = SR_ERR_UNAVAILABLE;  // any other failure is a plain sr::Error
  try {
    host.Publish("t", "{}");
    ADD_FAILURE() << "Publish did not throw";
  } catch (const sr::ShuttingDown&) {
    ADD_FAILURE() << "a full queue is not a shutdown";
  } catch (const sr::Error& error) {
    EXPECT_EQ(error.status(), SR_ERR_UNAVAILABLE);
  }
}

TEST(SdkErrorContract, StreamClientGoneIsAnAnswerOtherFailuresThrow) {
  const sr_host_api api = FailingApi();
  sr::Stream stream(&api, reinterpret_cast<sr_stream*>(0x1));
  g_failure = SR_ERR_CLOSED;
  EXPECT_FALSE(stream.Send("e", "d"));
  EXPECT_FALSE(stream.Close());
  g_failure = SR_ERR_INTERNAL;
  EXPECT_EQ(StatusThrownBy([&] { stream.Send("e", "d"); }), SR_ERR_INTERNAL);
  EXPECT_EQ(StatusThrownBy([&] { stream.Close(); }), SR_ERR_INTERNAL);
}

// ---------------------------------------------------------------------------------------
// Through the fake host
// ---------------------------------------------------------------------------------------

std::atomic<bool> g_stop_saw_shutting_down{false};

class ContractPlugin final : public sr::Plugin {
 public:
  static sr::PluginInfo Info() { return {"contract", "1.0.0", "the SDK's error rule"}; }

  void Init(sr::Host& host) override {
    host_ = &host;
    // Defers, hands the response to a worker, then throws: the worker's answer must reach
    // the client, with no 500 written into it.
    host.Route("GET", "/defer-then-throw", "public",
               [this](sr::Request& request, sr::Response& response) {
                 auto deferred = host_->Defer(request, response);
                 {
                   std::lock_guard<std::mutex> lock(mutex_);
                   workers_.emplace_back([deferred] {
                     std::this_thread::sleep_for(20ms);  // the handler has thrown by now
                     // What the response holds before the worker writes: nothing from the
                     // barrier (a 500 written there would show here).
                     int seen = deferred->response().Status();
                     deferred->response().Json(202, "{\"seen\":" + std::to_string(seen) + "}");
                     deferred->Complete();
                   });
                 }
                 throw std::runtime_error("thrown after deferring");
               });
    host.Route("GET", "/publish-bad-topic", "public",
               [this](sr::Request&, sr::Response&) { host_->Publish("", "{}"); });
    host.Route("GET", "/refused-header", "public", [](sr::Request&, sr::Response& response) {
      response.AddHeader("X-Bad", "a\r\nInjected: yes");
      response.Json(200, "{}");
    });
  }

  void Stop() override {
    try {
      host_->Run("too late", [] {});
    } catch (const sr::ShuttingDown&) {
      g_stop_saw_shutting_down = true;
    }
  }

  ~ContractPlugin() override {
    for (auto& worker : workers_) worker.join();
  }

 private:
  sr::Host* host_ = nullptr;
  std::mutex mutex_;
  std::vector<std::thread> workers_;
};

class ContractTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(host_.Load(sr::detail::DescriptorFor<ContractPlugin>()).ok());
    ASSERT_TRUE(host_.Start().ok());
  }
  bool Logged(const std::string& fragment) {
    for (const auto& line : host_.Logs()) {
      if (line.message.find(fragment) != std::string::npos) return true;
    }
    return false;
  }
  FakeHost host_;
};

TEST_F(ContractTest, HandlerThrowingAfterDeferDoesNotAnswerTheDeferredResponse) {
  FakeResponse response = host_.Call("GET", "/defer-then-throw");
  EXPECT_EQ(response.status, 202);
  EXPECT_EQ(response.body, "{\"seen\":200}");
  EXPECT_TRUE(Logged("thrown after deferring"));
  EXPECT_TRUE(Logged("after handing its response off"));
  for (const auto& entry : host_.ErrorLog()) EXPECT_NE(entry.status, 500) << entry.message;
}

TEST_F(ContractTest, FailedPublishAndRefusedHeaderReachTheBarrierAs500) {
  FakeResponse publish = host_.Call("GET", "/publish-bad-topic");
  EXPECT_EQ(publish.status, 500);
  EXPECT_TRUE(Logged("cannot publish"));
  FakeResponse header = host_.Call("GET", "/refused-header");
  EXPECT_EQ(header.status, 500);
  EXPECT_TRUE(Logged("refused the response header X-Bad"));
}

TEST_F(ContractTest, SchedulingWhileStoppingThrowsShuttingDown) {
  g_stop_saw_shutting_down = false;
  host_.Stop();
  EXPECT_TRUE(g_stop_saw_shutting_down);
}

}  // namespace
