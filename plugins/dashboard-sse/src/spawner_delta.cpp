#include "spawner_delta.h"

#include <algorithm>
#include <charconv>
#include <chrono>

#include "json_writer.h"

namespace sr::dashboard {

namespace {

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
