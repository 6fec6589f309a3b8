#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace sr::postgres_store {

// Outcome classes of the store; the plugin maps them onto sr_status.
enum class StoreStatus {
  kOk,
  kNotFound,
  kInvalidArgument,
  kUnavailable,  // the database cannot be reached now
  kInternal      // the database refused a statement
};

struct WriteOp {
  enum class Kind { kPut, kDelete, kUpdate };
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

// Receives one change made by another master (deleted: value is empty).
using ChangeVisitor =
    std::function<void(std::string_view key, std::string_view value, bool deleted)>;

enum class LogLevel { kInfo, kWarn, kError };
using StoreLogger = std::function<void(LogLevel, const std::string&)>;

}  // namespace sr::postgres_store
