#include "spawner_delta.h"

#include <rapidjson/document.h>

#include <algorithm>
#include <charconv>
#include <chrono>

#include "json_writer.h"

namespace sr::dashboard {

namespace {

// Fields sent as millisecond offsets instead of RFC 3339 strings.
bool IsTimeField(std::string_view name) { return name == "last_seen"; }

std::string Serialize(const rapidjson::Value& value, JsonBuffer& buffer) {
  buffer.Clear();
  JsonWriter writer(buffer);
  value.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

// The whole object again, from its fields.
std::string ObjectJson(const std::vector<std::pair<std::string, std::string>>& fields) {
  JsonBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  for (const auto& [name, value] : fields) {
    WriteKey(writer, name);
    writer.RawValue(value.data(), value.size(), rapidjson::kObjectType);
  }
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

template <typename T>
bool Digits(std::string_view text, std::size_t at, std::size_t count, T& out) {
  if (at + count > text.size()) return false;
  auto [end, error] = std::from_chars(text.data() + at, text.data() + at + count, out);
  return error == std::errc() && end == text.data() + at + count;
}

}  // namespace

std::optional<std::int64_t> ParseRfc3339Utc(std::string_view text) {
  int year = 0;
  unsigned month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!Digits(text, 0, 4, year) || text.size() < 20 || text[4] != '-' ||
      !Digits(text, 5, 2, month) || text[7] != '-' || !Digits(text, 8, 2, day) || text[10] != 'T' ||
      !Digits(text, 11, 2, hour) || text[13] != ':' || !Digits(text, 14, 2, minute) ||
      text[16] != ':' || !Digits(text, 17, 2, second)) {
    return std::nullopt;
  }
  std::size_t at = 19;
  int millis = 0;
  if (text[at] == '.') {
    std::size_t digits = 0;
    while (at + 1 + digits < text.size() && text[at + 1 + digits] >= '0' &&
           text[at + 1 + digits] <= '9') {
      if (digits < 3) millis = millis * 10 + (text[at + 1 + digits] - '0');
      ++digits;
    }
    if (digits == 0) return std::nullopt;
    for (std::size_t i = digits; i < 3; ++i) millis *= 10;
    at += 1 + digits;
  }
  if (at + 1 != text.size() || text[at] != 'Z') return std::nullopt;
  std::chrono::year_month_day date{std::chrono::year(year), std::chrono::month(month),
                                   std::chrono::day(day)};
  if (!date.ok() || hour > 23 || minute > 59 || second > 60) return std::nullopt;
  auto days = std::chrono::sys_days(date).time_since_epoch();
  return std::chrono::duration_cast<std::chrono::milliseconds>(days).count() +
         ((static_cast<std::int64_t>(hour) * 60 + minute) * 60 + second) * 1000 + millis;
}

std::optional<SpawnerDelta> SpawnerDeltaTracker::Update(std::string_view list_json,
                                                        std::uint64_t version,
                                                        std::int64_t now_ms) {
  std::string list(list_json);  // parsed in place: strings point into this copy
  rapidjson::Document document;
  document.ParseInsitu(list.data());
  if (document.HasParseError() || !document.IsArray()) return std::nullopt;

  SpawnerDelta delta;
  delta.base = version_;
  delta.version = version;
  delta.time_base_ms = now_ms;
  std::unordered_map<std::uint64_t, Fields> next;
  next.reserve(document.Size());
  std::uint64_t suspect = 0;
  JsonBuffer buffer;
  // Changed fields per changed spawner, before they are laid out in columns.
  std::vector<std::pair<std::uint64_t, std::vector<std::pair<std::string, std::string>>>> changed;

  for (const auto& spawner : document.GetArray()) {
    if (!spawner.IsObject()) return std::nullopt;
    auto id_member = spawner.FindMember("id");
    if (id_member == spawner.MemberEnd() || !id_member->value.IsUint64()) return std::nullopt;
    std::uint64_t id = id_member->value.GetUint64();
    Fields fields;
    fields.reserve(spawner.MemberCount());
    std::vector<std::optional<std::int64_t>> times;  // of the time fields, by position
    times.reserve(spawner.MemberCount());
    for (const auto& member : spawner.GetObject()) {
      std::string_view name(member.name.GetString(), member.name.GetStringLength());
      std::string_view text =
          member.value.IsString()
              ? std::string_view(member.value.GetString(), member.value.GetStringLength())
              : std::string_view();
      if (name == "health" && text == "suspect") ++suspect;
      times.push_back(IsTimeField(name) && member.value.IsString() ? ParseRfc3339Utc(text)
                                                                   : std::nullopt);
      fields.push_back(Field{std::string(name), Serialize(member.value, buffer)});
    }

    auto known = known_.find(id);
    bool same_shape = known != known_.end() && known->second.size() == fields.size();
    std::vector<std::pair<std::string, std::string>> differences;
    for (std::size_t i = 0; same_shape && i < fields.size(); ++i) {
      if (known->second[i].name != fields[i].name) {
        same_shape = false;
      } else if (known->second[i].value == fields[i].value) {
        continue;
      } else if (!IsTimeField(fields[i].name)) {
        differences.emplace_back(fields[i].name, fields[i].value);
      } else if (times[i]) {
        differences.emplace_back(fields[i].name, std::to_string(*times[i] - now_ms));
      } else {
        same_shape = false;  // not a time after all: send the whole object
      }
    }
    if (!same_shape) {
      std::vector<std::pair<std::string, std::string>> whole;
      whole.reserve(fields.size());
      for (const Field& field : fields) whole.emplace_back(field.name, field.value);
      delta.upserts.push_back(ObjectJson(whole));
    } else if (!differences.empty()) {
      changed.emplace_back(id, std::move(differences));
    }
    next.emplace(id, std::move(fields));
  }
  for (const auto& [id, fields] : known_) {
    if (next.count(id) == 0) delta.removed.push_back(id);
  }
  std::sort(delta.removed.begin(), delta.removed.end());

  // Columns: one per field that changed anywhere, null where that spawner's did not.
  for (std::size_t row = 0; row < changed.size(); ++row) {
    delta.changes.ids.push_back(changed[row].first);
    for (auto& [name, value] : changed[row].second) {
      auto& column = delta.changes.fields[name];
      column.resize(changed.size());
      column[row] = std::move(value);
    }
  }

  known_ = std::move(next);
  version_ = version;
  suspect_ = suspect;
  return delta;
}

std::string SpawnerDeltaJson(const SpawnerDelta& delta, const FleetTotals& totals,
                             std::uint64_t epoch) {
  JsonBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  WriteUint(writer, "epoch", epoch);
  WriteBool(writer, "available", totals.available);
  WriteUint(writer, "version", delta.version);
  WriteUint(writer, "base", delta.base);
  WriteInt(writer, "time_base", delta.time_base_ms);
  WriteKey(writer, "upserts");
  writer.StartArray();
  for (const std::string& object : delta.upserts) WriteRaw(writer, object);
  writer.EndArray();
  WriteKey(writer, "changes");
  writer.StartObject();
  WriteKey(writer, "id");
  writer.StartArray();
  for (std::uint64_t id : delta.changes.ids) writer.Uint64(id);
  writer.EndArray();
  for (const auto& [name, column] : delta.changes.fields) {
    WriteKey(writer, name);
    writer.StartArray();
    for (std::size_t row = 0; row < delta.changes.ids.size(); ++row) {
      if (row < column.size() && column[row]) {
        writer.RawValue(column[row]->data(), column[row]->size(), rapidjson::kObjectType);
      } else {
        writer.Null();
      }
    }
    writer.EndArray();
  }
  writer.EndObject();
  WriteKey(writer, "removed");
  writer.StartArray();
  for (std::uint64_t id : delta.removed) writer.Uint64(id);
  writer.EndArray();
  WriteKey(writer, "totals");
  writer.StartObject();
  WriteUint(writer, "spawners", totals.spawners);
  WriteUint(writer, "suspect", totals.suspect);
  WriteUint(writer, "current_instances", totals.current_instances);
  WriteUint(writer, "max_instances", totals.max_instances);
  writer.EndObject();
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace sr::dashboard
