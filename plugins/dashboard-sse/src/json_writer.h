#pragma once

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cmath>
#include <cstdint>
#include <optional>
#include <string_view>

namespace sr::dashboard {

using JsonBuffer = rapidjson::StringBuffer;
using JsonWriter = rapidjson::Writer<JsonBuffer>;

inline void WriteKey(JsonWriter& writer, std::string_view key) {
  writer.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
}

inline void WriteString(JsonWriter& writer, std::string_view key, std::string_view value) {
  WriteKey(writer, key);
  writer.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

inline void WriteUint(JsonWriter& writer, std::string_view key, std::uint64_t value) {
  WriteKey(writer, key);
  writer.Uint64(value);
}

inline void WriteInt(JsonWriter& writer, std::string_view key, std::int64_t value) {
  WriteKey(writer, key);
  writer.Int64(value);
}

inline void WriteBool(JsonWriter& writer, std::string_view key, bool value) {
  WriteKey(writer, key);
  writer.Bool(value);
}

// A finite number rounded to two decimals (figures for people), or null: JSON has no NaN or
// infinity.
inline void WriteNumberValue(JsonWriter& writer, std::optional<double> value) {
  if (value && std::isfinite(*value)) {
    writer.Double(std::round(*value * 100.0) / 100.0);
  } else {
    writer.Null();
  }
}

inline void WriteNumber(JsonWriter& writer, std::string_view key, std::optional<double> value) {
  WriteKey(writer, key);
  WriteNumberValue(writer, value);
}

inline void WriteOptionalUint(JsonWriter& writer, std::string_view key,
                              std::optional<std::uint64_t> value) {
  WriteKey(writer, key);
  if (value) {
    writer.Uint64(*value);
  } else {
    writer.Null();
  }
}

// Splices already serialized JSON (trusted: produced by this process or the host).
inline void WriteRaw(JsonWriter& writer, std::string_view json) {
  writer.RawValue(json.data(), json.size(), rapidjson::kObjectType);
}

}  // namespace sr::dashboard
