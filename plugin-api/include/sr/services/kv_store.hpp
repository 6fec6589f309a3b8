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
//
// Against a version 2 provider (several masters over one database, clustered() is true):
// NextId draws cluster-wide ids, Watch follows the other masters' changes, Lead tells whether
// this master does the cluster's once-only work, and Update writes only rows that still exist.
// Against version 1 they fall back to what a single master needs (see each).
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

// v2 begins with v1's fields, so a v2 table can be read through the v1 type.
static_assert(offsetof(sr_kv_store_v2, last_error) == offsetof(sr_kv_store_v1, last_error));
static_assert(offsetof(sr_kv_store_v2, write_async) == offsetof(sr_kv_store_v1, write_async));

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
  // Version 2 only (see SR_KV_UPDATE); a version 1 provider refuses the batch.
  static Op Update(sr_kv_namespace* ns, std::string_view key, std::string_view value) {
    return Op{SR_KV_UPDATE, ns, key, value};
  }

  // A change made by another master: the new value, or `deleted`.
  using ChangeVisitor =
      std::function<void(std::string_view key, std::string_view value, bool deleted)>;

  // A watch of one namespace; ends (waiting for a call in progress) when destroyed.
  class Watch {
   public:
    Watch() = default;
    Watch(Watch&& other) noexcept { *this = std::move(other); }
    Watch& operator=(Watch&& other) noexcept {
      if (this != &other) {
        Reset();
        service_ = std::exchange(other.service_, nullptr);
        handle_ = std::exchange(other.handle_, 0);
        visitor_ = std::move(other.visitor_);
      }
      return *this;
    }
    Watch(const Watch&) = delete;
    Watch& operator=(const Watch&) = delete;
    ~Watch() { Reset(); }

    bool active() const { return service_ != nullptr; }
    void Reset() {
      if (service_ != nullptr) service_->unwatch(service_->self, handle_);
      service_ = nullptr;
      handle_ = 0;
      visitor_.reset();
    }

   private:
    friend class KvStore;
    const sr_kv_store_v2* service_ = nullptr;
    std::uint64_t handle_ = 0;
    std::unique_ptr<ChangeVisitor> visitor_;
  };

  // `service` must outlive the client (providers outlive their users). Throws KvStoreError if
  // the provider's table lacks the version 1 functions.
  explicit KvStore(const sr_kv_store_v1& service) : service_(service) {
    if (service.struct_size < offsetof(sr_kv_store_v1, last_error) + sizeof(service.last_error)) {
      throw KvStoreError("the kv-store service is older than version 1");
    }
    v2_ = Version2Of(service);
  }
  KvStore(const KvStore&) = delete;
  KvStore& operator=(const KvStore&) = delete;

  // The version 2 table when the provider offers it, else nullptr. A v2 provider answers a
  // lookup of version 1 with its v2 table, which its struct_size reveals.
  static const sr_kv_store_v2* Version2Of(const sr_kv_store_v1& service) {
    if (service.struct_size < offsetof(sr_kv_store_v2, lead) + sizeof(sr_kv_store_v2::lead)) {
      return nullptr;
    }
    return reinterpret_cast<const sr_kv_store_v2*>(&service);
  }
  // True when the provider is version 2: other masters may share the database.
  bool clustered() const { return v2_ != nullptr; }

  // The next number of the cluster-wide sequence `name`. Version 2 only: throws KvStoreError
  // against version 1 (a single master keeps its own counter).
  std::uint64_t NextId(std::string_view name) {
    if (v2_ == nullptr) throw KvStoreError("kv-store: sequences need a version 2 provider");
    std::uint64_t id = 0;
    sr_status status = v2_->next_id(v2_->self, Str(name), &id);
    if (status != SR_OK) Fail("drawing from the sequence '" + std::string(name) + "'", status);
    return id;
  }

  // Follows the other masters' changes to `ns`: `visit` runs on the provider's change thread.
  // Against version 1 there are no other masters: the watch is inactive and never fires.
  [[nodiscard]] Watch WatchChanges(sr_kv_namespace* ns, ChangeVisitor visit) {
    Watch watch;
    if (v2_ == nullptr) return watch;
    watch.visitor_ = std::make_unique<ChangeVisitor>(std::move(visit));
    auto change = [](void* ctx, sr_str key, sr_str value, int32_t deleted) {
      try {
        (*static_cast<ChangeVisitor*>(ctx))(View(key), View(value), deleted != 0);
      } catch (...) {  // nothing may unwind through the provider's thread
      }
    };
    std::uint64_t handle = 0;
    sr_status status = v2_->watch(v2_->self, ns, change, watch.visitor_.get(), &handle);
    if (status != SR_OK) Fail("watching a namespace", status);
    watch.service_ = v2_;
    watch.handle_ = handle;
    return watch;
  }

  // True if this master should do the cluster's once-only work named `lease` now. Always
  // true against version 1 (one master).
  bool Lead(std::string_view lease) const {
    return v2_ == nullptr || v2_->lead(v2_->self, Str(lease)) != 0;
  }

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
  const sr_kv_store_v2* v2_ = nullptr;
  std::mutex mutex_;
  std::map<std::string, sr_kv_namespace*, std::less<>> namespaces_;
};

}  // namespace sr

#endif  // SR_SERVICES_KV_STORE_HPP
