// RapidJSON, used safely: iterative parsing (deep nesting cannot exhaust the stack) and
// typed accessors that never assume a member's type.
#pragma once

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sr::auth {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

// `text` parsed as a JSON object, or nullopt.
std::optional<rapidjson::Document> ParseJsonObject(std::string_view text);

// A member of the given type, or nullopt when absent or of another type.
std::optional<std::string_view> StringMember(const rapidjson::Value& object, const char* name);
std::optional<bool> BoolMember(const rapidjson::Value& object, const char* name);
std::optional<std::int64_t> IntMember(const rapidjson::Value& object, const char* name);
std::optional<std::uint64_t> UintMember(const rapidjson::Value& object, const char* name);
bool HasMember(const rapidjson::Value& object, const char* name);

void WriteString(JsonWriter& writer, std::string_view text);
void WriteMember(JsonWriter& writer, std::string_view key, std::string_view value);

// {"error": message}
std::string JsonErrorBody(std::string_view message);

}  // namespace sr::auth
