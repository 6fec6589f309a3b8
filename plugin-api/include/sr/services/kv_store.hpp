// sr::KvStore: the C++ client of the "kv-store" service (sr/services/kv_store.h), the one that
// every C++ plugin using the service shares. Header-only C++17.
//
//   const auto* service = host.Lookup<sr_kv_store_v1>(SR_KV_STORE_SERVICE, SR_KV_STORE_VERSION);
//   sr::KvStore store(*service);
//   sr_kv_namespace* users = store.Open("users");
//   store.Write({sr::KvStore::Put(users, "1", "{...}")});
//
// Failures throw sr::KvStoreError, whose message names the operation, the status and the
// provider's last error. THREAD: any; namespaces are opened once and cached.
#ifndef SR_SERVICES_KV_STORE_HPP
#define SR_SERVICES_KV_STORE_HPP

#include <sr/services/kv_store.h>

#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sr {

class KvStoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class KvStore {
 public:
  // Return false to stop a scan early. An exception thrown by a visitor stops the scan and is
  // rethrown by Scan.
  using RowVisitor = std::function<bool(std::string_view key, std::string_view value)>;
  // The outcome of WriteAsync: `message` explains a failure.
  using Done = std::function<void(bool ok, const std::string& message)>;

  // One operation of a batch; the views must stay valid during the call that takes it.
  struct Op {
    std::uint32_t kind = SR_KV_PUT;
    sr_kv_namespace* ns = nullptr;
    std::string_view key;
    std::string_view value;
  };
  static Op Put(sr_kv_namespace* ns, std::string_view key, std::string_view value) {
    return Op{SR_KV_PUT, ns, key, value};
  }
  static Op Delete(sr_kv_namespace* ns, std::string_view key) {
    return Op{SR_KV_DELETE, ns, key, {}};
  }

  // `service` must outlive the client (providers outlive their users). Throws KvStoreError if
  // the provider's table lacks the version 1 functions.
  explicit KvStore(const sr_kv_store_v1& service) : service_(service) {
    if (service.struct_size < offsetof(sr_kv_store_v1, last_error) + sizeof(service.last_error)) {
      throw KvStoreError("the kv-store service is older than version 1");
    }
  }
  KvStore(const KvStore&) = delete;
  KvStore& operator=(const KvStore&) = delete;

  // The namespace `name` (1-64 of [a-z0-9_-]), opened on first use.
  sr_kv_namespace* Open(std::string_view name) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = namespaces_.find(name);
    if (it != namespaces_.end()) return it->second;
    sr_kv_namespace* handle = nullptr;
    sr_status status = service_.open_namespace(service_.self, Str(name), &handle);
    if (status != SR_OK || handle == nullptr) {
      Fail("opening the namespace '" + std::string(name) + "'", status);
    }
    namespaces_.emplace(std::string(name), handle);
    return handle;
  }

  // The value of `key`, or nullopt when it is absent.
  std::optional<std::string> Get(sr_kv_namespace* ns, std::string_view key) const {
    std::optional<std::string> value;
    auto copy = [](void* ctx, sr_str, sr_str found) -> int32_t {
      try {
        static_cast<std::optional<std::string>*>(ctx)->emplace(View(found));
        return 1;
      } catch (...) {  // out of memory: nothing may unwind through the provider
        return 0;
      }
    };
    sr_status status = service_.get(service_.self, ns, Str(key), copy, &value);
    if (status == SR_ERR_NOT_FOUND) return std::nullopt;
    if (status != SR_OK) Fail("reading", status);
    return value;
  }

  // Visits the keys in [start, end) in order (reverse order if `reverse`); an empty `end` has
  // no upper bound. At most `limit` rows (0: no limit).
  void Scan(sr_kv_namespace* ns, std::string_view start, std::string_view end, std::uint32_t limit,
            bool reverse, const RowVisitor& visit) const {
    struct Context {
      const RowVisitor* visit;
      std::exception_ptr failure;
    } context{&visit, nullptr};
    auto row = [](void* ctx, sr_str key, sr_str value) -> int32_t {
      auto* scan = static_cast<Context*>(ctx);
      try {
        return (*scan->visit)(View(key), View(value)) ? 1 : 0;
      } catch (...) {  // rethrown on our side of the call
        scan->failure = std::current_exception();
        return 0;
      }
    };
    sr_status status = service_.scan(service_.self, ns, Str(start), Str(end), limit,
                                     reverse ? 1 : 0, row, &context);
    if (context.failure) std::rethrow_exception(context.failure);
    if (status != SR_OK) Fail("scanning", status);
  }

  // Applies `ops` atomically; returns once they are committed.
  void Write(const std::vector<Op>& ops) {
    if (ops.empty()) return;
    std::vector<sr_kv_op> raw = Raw(ops);
    sr_status status = service_.write(service_.self, raw.data(), raw.size());
    if (status != SR_OK) Fail("writing", status);
  }

  // The same without blocking. `done` runs exactly once: on the provider's writer thread after
  // the commit, or before WriteAsync returns if the provider refuses the batch. An exception
  // thrown by `done` on the writer thread is dropped, since it must not unwind through another
  // plugin's thread.
  void WriteAsync(const std::vector<Op>& ops, Done done) {
    std::vector<sr_kv_op> raw = Raw(ops);
    auto owned = std::make_unique<Done>(std::move(done));
    auto committed = [](void* ctx, sr_status status, sr_str message) {
      std::unique_ptr<Done> callback(static_cast<Done*>(ctx));
      try {
        (*callback)(status == SR_OK, std::string(View(message)));
      } catch (...) {
      }
    };
    sr_status status =
        service_.write_async(service_.self, raw.data(), raw.size(), committed, owned.get());
    if (status == SR_OK) {
      owned.release();  // OWNERSHIP: `committed` frees it
      return;
    }
    std::string error = Healthy() ? std::string() : LastError();
    if (error.empty()) error = "kv-store refused the write (status " + std::to_string(status) + ")";
    (*owned)(false, error);
  }

  // True when the last write succeeded and the database is open.
  bool Healthy() const { return service_.healthy(service_.self) != 0; }

  // The provider's last failure message (empty if none).
  std::string LastError() const {
    char buffer[512] = {};
    service_.last_error(service_.self, buffer, sizeof(buffer));
    return buffer;
  }

 private:
  static sr_str Str(std::string_view text) { return sr_str{text.data(), text.size()}; }
  static std::string_view View(sr_str text) {
    return text.data == nullptr ? std::string_view() : std::string_view(text.data, text.size);
  }

  static std::vector<sr_kv_op> Raw(const std::vector<Op>& ops) {
    std::vector<sr_kv_op> raw;
    raw.reserve(ops.size());
    for (const Op& op : ops) {
      sr_kv_op item{};
      item.kind = op.kind;
      item.ns = op.ns;
      item.key = Str(op.key);
      item.value = Str(op.value);
      raw.push_back(item);
    }
    return raw;
  }

  [[noreturn]] void Fail(const std::string& what, sr_status status) const {
    std::string message = "kv-store: " + what + " failed (status " + std::to_string(status) + ")";
    std::string reason = LastError();
    if (!reason.empty()) message += ": " + reason;
    throw KvStoreError(message);
  }

  const sr_kv_store_v1& service_;
  std::mutex mutex_;
  std::map<std::string, sr_kv_namespace*, std::less<>> namespaces_;
};

}  // namespace sr

#endif  // SR_SERVICES_KV_STORE_HPP
