// The storage the auth plugin needs, as a plain C++ interface: the plugin shim adapts the
// "kv-store" service to it, and MemoryKeyValueStore stands in when no store is enabled.
#pragma once

#include <cstdint>
#include <functional>
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
  enum class Kind { kPut, kDelete };
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
};

// Zero-padded decimal, so that numeric keys sort in byte order.
std::string SequenceKey(std::uint64_t number);

}  // namespace sr::auth
