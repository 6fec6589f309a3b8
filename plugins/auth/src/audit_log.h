// An append-only audit trail (who did what, to what, from where, when) with bounded
// retention, kept in the key-value store under increasing sequence numbers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "clock.h"
#include "key_value_store.h"

namespace sr::auth {

struct AuditEntry {
  std::uint64_t sequence = 0;  // assigned by the log
  std::int64_t time_ms = 0;    // assigned by the log when 0
  std::string actor;           // "admin@example.com", "key:deploy", "anonymous"
  std::string action;          // "login.success", "user.create", "spawner.delete"
  std::string target;
  std::string ip;
  std::string detail;
};

struct AuditPage {
  std::vector<AuditEntry> entries;           // newest first
  std::optional<std::uint64_t> next_before;  // pass as `before` for the next page
};

class AuditLog {
 public:
  static constexpr std::string_view kSpace = "auth_audit";
  static constexpr std::size_t kMaxPageSize = 1000;

  AuditLog(KeyValueStore& store, std::uint64_t retention, NowFn now);

  // With a clustered store, numbers come from this cluster-wide sequence.
  static constexpr std::string_view kSequenceName = "auth_audit";
  static constexpr std::uint64_t kClusterTrimEvery = 16;

  // Finds where the stored log ends. Throws StoreError.
  void Load();

  // Appends `entry` (fields cleaned and truncated) and drops entries beyond the retention.
  // Returns the sequence number. Throws StoreError.
  std::uint64_t Record(AuditEntry entry);

  // Up to `limit` entries older than `before` (all when absent), newest first.
  AuditPage Page(std::size_t limit, std::optional<std::uint64_t> before) const;

  // Parses the JSON payload of an "audit.record" event; nullopt when it is not an object with
  // at least an "action".
  static std::optional<AuditEntry> FromEventPayload(std::string_view payload);

 private:
  std::uint64_t RecordClustered(AuditEntry entry);

  KeyValueStore& store_;
  std::uint64_t retention_;
  NowFn now_;
  std::mutex mutex_;  // orders appends and trims
  std::uint64_t next_sequence_ = 1;
  std::uint64_t oldest_sequence_ = 1;  // the first sequence that may still be stored
};

}  // namespace sr::auth
