#include "audit_log.h"

#include <algorithm>
#include <charconv>

#include "json.h"
#include "text.h"

namespace sr::auth {

namespace {

constexpr std::size_t kMaxActorBytes = 256;
constexpr std::size_t kMaxActionBytes = 128;
constexpr std::size_t kMaxTargetBytes = 512;
constexpr std::size_t kMaxIpBytes = 64;
constexpr std::size_t kMaxDetailBytes = 2048;
// Deletions done by one append, so that a lowered retention catches up gradually.
constexpr std::uint64_t kMaxTrimPerRecord = 1000;

std::string Serialize(const AuditEntry& entry) {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("sequence");
  writer.Uint64(entry.sequence);
  writer.Key("time_ms");
  writer.Int64(entry.time_ms);
  WriteMember(writer, "actor", entry.actor);
  WriteMember(writer, "action", entry.action);
  WriteMember(writer, "target", entry.target);
  WriteMember(writer, "ip", entry.ip);
  WriteMember(writer, "detail", entry.detail);
  writer.EndObject();
  return buffer.GetString();
}

std::optional<AuditEntry> Parse(std::string_view text) {
  auto document = ParseJsonObject(text);
  if (!document) return std::nullopt;
  auto sequence = UintMember(*document, "sequence");
  auto time_ms = IntMember(*document, "time_ms");
  if (!sequence || !time_ms) return std::nullopt;
  AuditEntry entry;
  entry.sequence = *sequence;
  entry.time_ms = *time_ms;
  entry.actor = std::string(StringMember(*document, "actor").value_or(""));
  entry.action = std::string(StringMember(*document, "action").value_or(""));
  entry.target = std::string(StringMember(*document, "target").value_or(""));
  entry.ip = std::string(StringMember(*document, "ip").value_or(""));
  entry.detail = std::string(StringMember(*document, "detail").value_or(""));
  return entry;
}

std::optional<std::uint64_t> ParseSequence(std::string_view key) {
  std::uint64_t value = 0;
  auto [end, error] = std::from_chars(key.data(), key.data() + key.size(), value);
  if (error != std::errc() || end != key.data() + key.size()) return std::nullopt;
  return value;
}

}  // namespace

AuditLog::AuditLog(KeyValueStore& store, std::uint64_t retention, NowFn now)
    : store_(store), retention_(std::max<std::uint64_t>(retention, 1)), now_(std::move(now)) {}

void AuditLog::Load() {
  std::optional<std::uint64_t> first;
  std::optional<std::uint64_t> last;
  store_.Scan(kSpace, "", "", 1, false, [&](std::string_view key, std::string_view) {
    first = ParseSequence(key);
    return false;
  });
  store_.Scan(kSpace, "", "", 1, true, [&](std::string_view key, std::string_view) {
    last = ParseSequence(key);
    return false;
  });
  std::lock_guard lock(mutex_);
  next_sequence_ = last ? *last + 1 : 1;
  oldest_sequence_ = first ? *first : next_sequence_;
}

std::uint64_t AuditLog::Record(AuditEntry entry) {
  entry.actor = CleanText(entry.actor, kMaxActorBytes);
  entry.action = CleanText(entry.action, kMaxActionBytes);
  entry.target = CleanText(entry.target, kMaxTargetBytes);
  entry.ip = CleanText(entry.ip, kMaxIpBytes);
  entry.detail = CleanText(entry.detail, kMaxDetailBytes);
  if (entry.time_ms == 0) entry.time_ms = now_();
  if (store_.clustered()) return RecordClustered(std::move(entry));

  std::lock_guard lock(mutex_);
  entry.sequence = next_sequence_;
  std::vector<KvOp> ops;
  ops.push_back(KvOp::Put(std::string(kSpace), SequenceKey(entry.sequence), Serialize(entry)));
  std::uint64_t stored_after = entry.sequence + 1 - oldest_sequence_;
  std::uint64_t trim = stored_after > retention_ ? stored_after - retention_ : 0;
  trim = std::min(trim, kMaxTrimPerRecord);
  for (std::uint64_t i = 0; i < trim; ++i) {
    ops.push_back(KvOp::Delete(std::string(kSpace), SequenceKey(oldest_sequence_ + i)));
  }
  store_.Write(ops);
  next_sequence_ += 1;
  oldest_sequence_ += trim;
  return entry.sequence;
}

std::uint64_t AuditLog::RecordClustered(AuditEntry entry) {
  // Every master appends: sequence numbers come from the cluster-wide sequence, so that the
  // entries of all masters interleave in one log, in the order they were numbered.
  entry.sequence = store_.NextId(kSequenceName);
  std::vector<KvOp> ops;
  ops.push_back(KvOp::Put(std::string(kSpace), SequenceKey(entry.sequence), Serialize(entry)));
  // No master knows the others' appends, so the retention is enforced by range: every
  // kClusterTrimEvery-th entry drops whatever is older than the newest `retention`. Deleting
  // twice is harmless, so no master needs to lead it.
  if (entry.sequence % kClusterTrimEvery == 0 && entry.sequence > retention_) {
    store_.Scan(kSpace, "", SequenceKey(entry.sequence - retention_ + 1),
                static_cast<std::uint32_t>(kMaxTrimPerRecord), false,
                [&](std::string_view key, std::string_view) {
                  ops.push_back(KvOp::Delete(std::string(kSpace), std::string(key)));
                  return true;
                });
  }
  store_.Write(ops);
  return entry.sequence;
}

AuditPage AuditLog::Page(std::size_t limit, std::optional<std::uint64_t> before) const {
  limit = std::clamp<std::size_t>(limit, 1, kMaxPageSize);
  AuditPage page;
  std::string end = before ? SequenceKey(*before) : std::string();
  // One extra row tells whether another page follows.
  store_.Scan(kSpace, "", end, static_cast<std::uint32_t>(limit + 1), true,
              [&](std::string_view, std::string_view value) {
                if (auto entry = Parse(value)) page.entries.push_back(std::move(*entry));
                return true;
              });
  if (page.entries.size() > limit) {
    page.entries.resize(limit);
    page.next_before = page.entries.back().sequence;
  }
  return page;
}

std::optional<AuditEntry> AuditLog::FromEventPayload(std::string_view payload) {
  auto document = ParseJsonObject(payload);
  if (!document) return std::nullopt;
  auto action = StringMember(*document, "action");
  if (!action || action->empty()) return std::nullopt;
  AuditEntry entry;
  entry.action = std::string(*action);
  entry.actor = std::string(StringMember(*document, "actor").value_or(""));
  entry.target = std::string(StringMember(*document, "target").value_or(""));
  entry.ip = std::string(StringMember(*document, "ip").value_or(""));
  entry.detail = std::string(StringMember(*document, "detail").value_or(""));
  return entry;
}

}  // namespace sr::auth
