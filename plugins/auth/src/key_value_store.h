// The storage the auth plugin needs, as a plain C++ interface: the plugin shim adapts the
// "kv-store" service to it, and MemoryKeyValueStore stands in when no store is enabled.
// A clustered store (kv-store version 2: several masters over one database) also draws
// cluster-wide ids and reports the other masters' changes; a single-master store does neither.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace sr::auth {

// A read or write the store could not carry out (disk full, database closed).
class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct KvOp {
  // kUpdate writes only if the key exists when the batch commits, so that a late write (a
  // session's last-seen time, a user's new role) never brings back a row another master
  // deleted meanwhile. A single master orders its own writes, so there it is a plain put.
  enum class Kind { kPut, kDelete, kUpdate };
  Kind kind = Kind::kPut;
  std::string space;  // namespace
  std::string key;
  std::string value;  // ignored for kDelete

  static KvOp Put(std::string space, std::string key, std::string value) {
    return KvOp{Kind::kPut, std::move(space), std::move(key), std::move(value)};
  }
  static KvOp Delete(std::string space, std::string key) {
    return KvOp{Kind::kDelete, std::move(space), std::move(key), {}};
  }
  static KvOp Update(std::string space, std::string key, std::string value) {
    return KvOp{Kind::kUpdate, std::move(space), std::move(key), std::move(value)};
  }
};

// A change another master committed: the key's new value, or `deleted`.
using ChangeVisitor =
    std::function<void(std::string_view key, std::string_view value, bool deleted)>;

// Follows one namespace; destroying it ends the watch (and waits for a call in progress).
class StoreWatch {
 public:
  virtual ~StoreWatch() = default;
};

// Namespaced, ordered key-value storage. Every function may be called from any thread and
// may block; each throws StoreError on failure.
class KeyValueStore {
 public:
  // Return false to stop a scan early.
  using RowVisitor = std::function<bool(std::string_view key, std::string_view value)>;

  virtual ~KeyValueStore() = default;

  virtual std::optional<std::string> Get(std::string_view space, std::string_view key) = 0;
  // Keys in [start, end) in byte order (descending when `reverse`); an empty `end` has no
  // upper bound; `limit` 0 means no limit.
  virtual void Scan(std::string_view space, std::string_view start, std::string_view end,
                    std::uint32_t limit, bool reverse, const RowVisitor& visit) = 0;
  // Applies every operation atomically; returns once they are durable.
  virtual void Write(const std::vector<KvOp>& ops) = 0;
  // True when data outlives the process.
  virtual bool durable() const = 0;

  // True when other masters share the data (kv-store version 2).
  virtual bool clustered() const { return false; }
  // The next number of the cluster-wide sequence `name`; only when clustered(). Throws
  // StoreError.
  virtual std::uint64_t NextId(std::string_view name);
  // Calls `visit` (on the store's change thread, one change at a time, in commit order) with
  // every change another master makes to `space`. Watch before the initial read: a change the
  // read already saw may be reported again. Nullptr when nobody else shares the store.
  // Throws StoreError.
  virtual std::unique_ptr<StoreWatch> Watch(std::string_view space, ChangeVisitor visit);
};

// Zero-padded decimal, so that numeric keys sort in byte order.
std::string SequenceKey(std::uint64_t number);

}  // namespace sr::auth
