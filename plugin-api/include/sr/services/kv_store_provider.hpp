// sr::KvStoreProvider: the "kv-store" service table (sr/services/kv_store.h) over a C++ store,
// for the plugins that provide the service (sqlite-store, postgres-store, a test double), so
// that each provider writes its store and not the ABI barrier. Header-only C++17.
//
//   sr::KvStoreProvider<MyStore, MyWriteOp, SR_KV_STORE_VERSION> service(store);
//   host.Provide(SR_KV_STORE_SERVICE, SR_KV_STORE_VERSION, service.vtable());
//
// Every entry is a noexcept barrier: an exception becomes SR_ERR_INTERNAL (0 for healthy and
// lead), nothing C++ crosses the ABI. Batches are copied out of the caller's views before the
// store sees them. Namespace handles are interned: one per name, alive as long as the provider.
//
// What the store offers (the same shapes as sqlite-store's and postgres-store's KvStore):
//   Status Get(std::string_view ns, std::string_view key, const RowVisitor& visit);
//   Status Scan(std::string_view ns, std::string_view start, std::string_view end,
//               std::uint32_t limit, bool reverse, const RowVisitor& visit);
//   Status Count(std::string_view ns, std::uint64_t& out);
//   Outcome Write(std::vector<Op> ops);              // Outcome has .status and .message
//   Outcome WriteAsync(std::vector<Op> ops, Callback done);  // done(const Outcome&)
//   bool Healthy() const;  std::string LastError() const;
// and for version 2 (SR_KV_STORE_VERSION_2):
//   Status NextId(std::string_view name, std::uint64_t& out);
//   Status Watch(std::string_view ns, ChangeVisitor visit, std::uint64_t& handle);
//   void Unwatch(std::uint64_t handle);
//   bool Lead(std::string_view name);
// The types below fit: Status KvStatus, Op KvWriteOp, Outcome KvWriteOutcome, Callback
// KvWriteCallback, RowVisitor KvRowVisitor, ChangeVisitor KvChangeVisitor. A store may bring
// its own instead: RowVisitor constructible from bool(std::string_view key, std::string_view
// value), ChangeVisitor from void(std::string_view key, std::string_view value, bool deleted),
// Status an enum with kOk, kNotFound, kInvalidArgument, kUnavailable and kInternal, Op with
// `kind` (an enum whose values are SR_KV_PUT, SR_KV_DELETE and, for version 2, SR_KV_UPDATE)
// and std::string `ns`, `key`, `value`.
#ifndef SR_SERVICES_KV_STORE_PROVIDER_HPP
#define SR_SERVICES_KV_STORE_PROVIDER_HPP

#include <sr/services/kv_store.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

// Opaque to the users of the service: the interned namespace name.
struct sr_kv_namespace {
  std::string name;
};

namespace sr {

// Outcome classes of a store; the provider maps them onto sr_status.
enum class KvStatus { kOk, kNotFound, kInvalidArgument, kUnavailable, kInternal };

// One operation of a batch, owning its bytes (the provider copies them out of the caller's
// views before the store queues them).
struct KvWriteOp {
  // The ABI's values, so the provider copies a kind as is. kUpdate is version 2's: a version 1
  // provider refuses it before the store sees it.
  enum class Kind : std::uint32_t {
    kPut = SR_KV_PUT,
    kDelete = SR_KV_DELETE,
    kUpdate = SR_KV_UPDATE
  };
  Kind kind = Kind::kPut;
  std::string ns;
  std::string key;
  std::string value;  // ignored for kDelete
};

struct KvWriteOutcome {
  KvStatus status = KvStatus::kOk;
  std::string message;  // why it failed; empty on success
  bool ok() const { return status == KvStatus::kOk; }
};

using KvWriteCallback = std::function<void(const KvWriteOutcome&)>;

// Receives one row; the views live for the call. Return false to stop a scan.
using KvRowVisitor = std::function<bool(std::string_view key, std::string_view value)>;

// Receives one change made by another writer (deleted: value is empty).
using KvChangeVisitor =
    std::function<void(std::string_view key, std::string_view value, bool deleted)>;

// Namespace and lease names: 1-64 of [a-z0-9_-] (sequence names: no '-').
inline bool IsValidKvName(std::string_view name, bool allow_dash = true) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    bool allowed =
        (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || (allow_dash && c == '-');
    if (!allowed) return false;
  }
  return true;
}

template <typename Store, typename Op, std::uint32_t kVersion = SR_KV_STORE_VERSION>
class KvStoreProvider {
  static_assert(kVersion == SR_KV_STORE_VERSION || kVersion == SR_KV_STORE_VERSION_2,
                "kv-store has versions 1 and 2");
  static constexpr bool kV2 = kVersion == SR_KV_STORE_VERSION_2;

 public:
  using Table = std::conditional_t<kV2, sr_kv_store_v2, sr_kv_store_v1>;

  explicit KvStoreProvider(Store& store) : store_(store) {
    table_.struct_size = sizeof(table_);
    table_.self = this;
    table_.open_namespace = &KvStoreProvider::OpenNamespace;
    table_.get = &KvStoreProvider::Get;
    table_.scan = &KvStoreProvider::Scan;
    table_.count = &KvStoreProvider::Count;
    table_.write = &KvStoreProvider::Write;
    table_.write_async = &KvStoreProvider::WriteAsync;
    table_.healthy = &KvStoreProvider::Healthy;
    table_.last_error = &KvStoreProvider::LastError;
    if constexpr (kV2) {
      table_.next_id = &KvStoreProvider::NextId;
      table_.watch = &KvStoreProvider::Watch;
      table_.unwatch = &KvStoreProvider::Unwatch;
      table_.lead = &KvStoreProvider::Lead;
    }
  }
  KvStoreProvider(const KvStoreProvider&) = delete;
  KvStoreProvider& operator=(const KvStoreProvider&) = delete;

  // The table to hand to Host::Provide; valid as long as this object.
  const Table* vtable() const { return &table_; }
  Store& store() { return store_; }

 private:
  static std::string_view View(sr_str text) {
    return text.data == nullptr ? std::string_view() : std::string_view(text.data, text.size);
  }
  static sr_str Str(std::string_view text) { return sr_str{text.data(), text.size()}; }
  static Store& StoreOf(void* self) { return static_cast<KvStoreProvider*>(self)->store_; }

  template <typename Status>
  static sr_status ToStatus(Status status) {
    switch (status) {
      case Status::kOk:
        return SR_OK;
      case Status::kNotFound:
        return SR_ERR_NOT_FOUND;
      case Status::kInvalidArgument:
        return SR_ERR_INVALID_ARGUMENT;
      case Status::kUnavailable:
        return SR_ERR_UNAVAILABLE;
      case Status::kInternal:
        return SR_ERR_INTERNAL;
    }
    return SR_ERR_INTERNAL;
  }

  // Copies a batch out of the caller's views; false if an operation is malformed (then
  // nothing of the batch is written).
  static bool CopyOps(const sr_kv_op* ops, size_t count, std::vector<Op>& out) {
    constexpr std::uint32_t kLastKind = kV2 ? SR_KV_UPDATE : SR_KV_DELETE;
    if (ops == nullptr && count > 0) return false;
    out.reserve(count);
    for (size_t i = 0; i < count; ++i) {
      const sr_kv_op& op = ops[i];
      if (op.ns == nullptr || op.kind > kLastKind) return false;
      Op copy;
      copy.kind = static_cast<decltype(copy.kind)>(op.kind);
      copy.ns = op.ns->name;
      copy.key = std::string(View(op.key));
      if (op.kind != SR_KV_DELETE) copy.value = std::string(View(op.value));
      out.push_back(std::move(copy));
    }
    return true;
  }

  static auto Visitor(sr_kv_row_fn fn, void* ctx) {
    return [fn, ctx](std::string_view key, std::string_view value) {
      return fn(ctx, Str(key), Str(value)) != 0;
    };
  }

  static sr_status OpenNamespace(void* self, sr_str name_in, sr_kv_namespace** out) noexcept {
    try {
      auto* provider = static_cast<KvStoreProvider*>(self);
      std::string_view name = View(name_in);
      if (out == nullptr || !IsValidKvName(name)) return SR_ERR_INVALID_ARGUMENT;
      std::lock_guard<std::mutex> lock(provider->namespaces_mutex_);
      auto found = provider->namespaces_.find(name);
      if (found == provider->namespaces_.end()) {
        auto handle = std::make_unique<sr_kv_namespace>();
        handle->name = std::string(name);
        found = provider->namespaces_.emplace(handle->name, std::move(handle)).first;
      }
      *out = found->second.get();
      return SR_OK;
    } catch (...) {
      return SR_ERR_INTERNAL;
    }
  }

  static sr_status Get(void* self, sr_kv_namespace* ns, sr_str key, sr_kv_row_fn fn,
                       void* ctx) noexcept {
    try {
      if (ns == nullptr || fn == nullptr) return SR_ERR_INVALID_ARGUMENT;
      return ToStatus(StoreOf(self).Get(ns->name, View(key), Visitor(fn, ctx)));
    } catch (...) {
      return SR_ERR_INTERNAL;
    }
  }

  static sr_status Scan(void* self, sr_kv_namespace* ns, sr_str start, sr_str end, uint32_t limit,
                        int32_t reverse, sr_kv_row_fn fn, void* ctx) noexcept {
    try {
      if (ns == nullptr || fn == nullptr) return SR_ERR_INVALID_ARGUMENT;
      return ToStatus(StoreOf(self).Scan(ns->name, View(start), View(end), limit, reverse != 0,
                                         Visitor(fn, ctx)));
    } catch (...) {
      return SR_ERR_INTERNAL;
    }
  }

  static sr_status Count(void* self, sr_kv_namespace* ns, uint64_t* out) noexcept {
    try {
      if (ns == nullptr || out == nullptr) return SR_ERR_INVALID_ARGUMENT;
      std::uint64_t count = 0;
      auto status = StoreOf(self).Count(ns->name, count);
      sr_status result = ToStatus(status);
      if (result == SR_OK) *out = count;
      return result;
    } catch (...) {
      return SR_ERR_INTERNAL;
    }
  }

  static sr_status Write(void* self, const sr_kv_op* ops, size_t count) noexcept {
    try {
      std::vector<Op> copy;
      if (!CopyOps(ops, count, copy)) return SR_ERR_INVALID_ARGUMENT;
      return ToStatus(StoreOf(self).Write(std::move(copy)).status);
    } catch (...) {
      return SR_ERR_INTERNAL;
    }
  }

  static sr_status WriteAsync(void* self, const sr_kv_op* ops, size_t count, sr_kv_done_fn done,
                              void* ctx) noexcept {
    try {
      if (done == nullptr) return SR_ERR_INVALID_ARGUMENT;
      std::vector<Op> copy;
      if (!CopyOps(ops, count, copy)) return SR_ERR_INVALID_ARGUMENT;
      auto queued = StoreOf(self).WriteAsync(std::move(copy), [done, ctx](const auto& outcome) {
        done(ctx, ToStatus(outcome.status), Str(outcome.message));
      });
      return ToStatus(queued.status);
    } catch (...) {
      return SR_ERR_INTERNAL;
    }
  }

  static int32_t Healthy(void* self) noexcept {
    try {
      return StoreOf(self).Healthy() ? 1 : 0;
    } catch (...) {
      return 0;
    }
  }

  static size_t LastError(void* self, char* buffer, size_t capacity) noexcept {
    try {
      std::string message = StoreOf(self).LastError();
      if (buffer != nullptr && capacity > 0) {
        size_t copied = std::min(message.size(), capacity - 1);
        std::memcpy(buffer, message.data(), copied);
        buffer[copied] = '\0';
      }
      return message.size();
    } catch (...) {
      return 0;
    }
  }

  static sr_status NextId(void* self, sr_str name, uint64_t* out) noexcept {
    try {
      if (out == nullptr || !IsValidKvName(View(name), false)) return SR_ERR_INVALID_ARGUMENT;
      std::uint64_t id = 0;
      sr_status result = ToStatus(StoreOf(self).NextId(View(name), id));
      if (result == SR_OK) *out = id;
      return result;
    } catch (...) {
      return SR_ERR_INTERNAL;
    }
  }

  static sr_status Watch(void* self, sr_kv_namespace* ns, sr_kv_change_fn fn, void* ctx,
                         uint64_t* out) noexcept {
    try {
      if (ns == nullptr || fn == nullptr || out == nullptr) return SR_ERR_INVALID_ARGUMENT;
      auto visit = [fn, ctx](std::string_view key, std::string_view value, bool deleted) {
        fn(ctx, Str(key), Str(value), deleted ? 1 : 0);
      };
      std::uint64_t handle = 0;
      sr_status result = ToStatus(StoreOf(self).Watch(ns->name, visit, handle));
      if (result == SR_OK) *out = handle;
      return result;
    } catch (...) {
      return SR_ERR_INTERNAL;
    }
  }

  static void Unwatch(void* self, uint64_t watch) noexcept {
    try {
      StoreOf(self).Unwatch(watch);
    } catch (...) {  // nothing is left to undo
    }
  }

  static int32_t Lead(void* self, sr_str name) noexcept {
    try {
      if (!IsValidKvName(View(name))) return 0;
      return StoreOf(self).Lead(View(name)) ? 1 : 0;
    } catch (...) {
      return 0;
    }
  }

  Store& store_;
  std::mutex namespaces_mutex_;
  std::map<std::string, std::unique_ptr<sr_kv_namespace>, std::less<>> namespaces_;
  Table table_{};
};

}  // namespace sr

#endif  // SR_SERVICES_KV_STORE_PROVIDER_HPP
