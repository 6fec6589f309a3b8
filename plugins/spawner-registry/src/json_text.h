#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace sr::spawner_registry {

// Appends `text` as a quoted JSON string. <, > and & are escaped too, so that the JSON can be
// embedded in HTML by the dashboard.
void AppendJsonString(std::string& out, std::string_view text);
// The bytes AppendJsonString appends for `text`.
std::size_t JsonStringSize(std::string_view text);

void AppendUnsigned(std::string& out, std::uint64_t value);
void AppendSigned(std::string& out, std::int64_t value);
// Bytes AppendSigned appends for `value`.
std::size_t SignedSize(std::int64_t value);

}  // namespace sr::spawner_registry
