#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace sr::sqlite_store {

// Outcome classes of the store; the plugin maps them onto sr_status.
enum class StoreStatus {
  kOk,
  kNotFound,
  kInvalidArgument,
  kUnavailable,  // the database cannot be written now (disk full, read-only, I/O error)
  kInternal
};

struct WriteOp {
  enum class Kind { kPut, kDelete };
  Kind kind = Kind::kPut;
  std::string ns;
  std::string key;
  std::string value;  // ignored for kDelete
};

struct WriteOutcome {
  StoreStatus status = StoreStatus::kOk;
  std::string message;  // why it failed; empty on success
  bool ok() const { return status == StoreStatus::kOk; }
};

using WriteCallback = std::function<void(const WriteOutcome&)>;

// Receives one row; the views live for the call. Return false to stop a scan.
using RowVisitor = std::function<bool(std::string_view key, std::string_view value)>;

enum class LogLevel { kInfo, kWarn, kError };
using StoreLogger = std::function<void(LogLevel, const std::string&)>;

}  // namespace sr::sqlite_store
