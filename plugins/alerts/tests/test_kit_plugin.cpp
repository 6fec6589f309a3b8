// Test fixture "alerts-test-kit" for the alerts plugin's end-to-end tests:
//   - a kv-store whose health the test switches with POST /test/store/down and
//     /test/store/up, so the store alert fires and resolves on cue (it stores nothing; only
//     healthy() and last_error() mean anything);
//   - POST /test/publish/{topic}: publishes the body as that event (allocation.failed comes
//     from a plugin of another branch of work; this stands in for it).
#include <sr/services/kv_store.h>

#include <atomic>
#include <cstring>
#include <sr/plugin.hpp>

namespace {

std::atomic<bool> g_healthy{true};
constexpr char kError[] = "disk I/O error (switched off by the test)";

sr_status Unavailable() { return SR_ERR_UNAVAILABLE; }

class TestKit final : public sr::Plugin {
 public:
  static sr::PluginInfo Info() {
    sr::PluginInfo info{"alerts-test-kit", "1.0.0", "A switchable kv-store and an event publisher"};
    info.provides = {sr::Service(SR_KV_STORE_SERVICE, SR_KV_STORE_VERSION)};
    return info;
  }

  void Init(sr::Host& host) override {
    vtable_.struct_size = sizeof(vtable_);
    vtable_.open_namespace = [](void*, sr_str, sr_kv_namespace**) { return Unavailable(); };
    vtable_.get = [](void*, sr_kv_namespace*, sr_str, sr_kv_row_fn, void*) {
      return Unavailable();
    };
    vtable_.scan = [](void*, sr_kv_namespace*, sr_str, sr_str, uint32_t, int32_t, sr_kv_row_fn,
                      void*) { return Unavailable(); };
    vtable_.count = [](void*, sr_kv_namespace*, uint64_t*) { return Unavailable(); };
    vtable_.write = [](void*, const sr_kv_op*, size_t) { return Unavailable(); };
    vtable_.write_async = [](void*, const sr_kv_op*, size_t, sr_kv_done_fn, void*) {
      return Unavailable();
    };
    vtable_.healthy = [](void*) -> int32_t { return g_healthy ? 1 : 0; };
    vtable_.last_error = [](void*, char* buffer, size_t capacity) -> size_t {
      if (capacity > 0) {
        std::strncpy(buffer, kError, capacity - 1);
        buffer[capacity - 1] = '\0';
      }
      return sizeof(kError) - 1;
    };
    host.Provide(SR_KV_STORE_SERVICE, SR_KV_STORE_VERSION, &vtable_);
    host.Route("POST", "/test/store/{state}", "public",
               [](sr::Request& request, sr::Response& response) {
                 g_healthy = request.PathParam("state").value_or("") == "up";
                 response.Json(200, "{}");
               });
    host.Route("POST", "/test/publish/{topic}", "public",
               [&host](sr::Request& request, sr::Response& response) {
                 host.Publish(request.PathParam("topic").value_or(""), request.Body());
                 response.Json(200, "{}");
               });
  }

 private:
  sr_kv_store_v1 vtable_{};
};

}  // namespace

SR_DECLARE_PLUGIN(TestKit)
