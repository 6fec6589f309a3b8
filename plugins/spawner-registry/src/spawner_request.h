#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <tl/expected.hpp>

#include "spawner.h"

namespace sr::spawner_registry {

// The body of POST /api/spawners, validated.
struct Registration {
  std::string region;
  std::string host;
  std::uint16_t port = 0;
  std::int32_t max_instances = 0;
  std::int32_t current_instances = 0;
  std::string status = kDefaultStatus;
};

// The body of POST /api/spawners/{id}/heartbeat: absent fields keep their value.
struct HeartbeatUpdate {
  std::optional<std::int32_t> max_instances;
  std::optional<std::int32_t> current_instances;
  std::optional<std::string> status;
};

// A value, or why the input is refused (a message for a 400 that names the field).
template <typename T>
using Parsed = tl::expected<T, std::string>;

// Strict parsers: one JSON object, known fields of the right types and ranges, nothing after
// it, valid UTF-8. They never build a DOM.
Parsed<Registration> ParseRegistration(std::string_view body);
Parsed<HeartbeatUpdate> ParseHeartbeat(std::string_view body);

// A path's {id}: a decimal number from 1 to 2^64-1.
Parsed<SpawnerId> ParseSpawnerId(std::string_view text);

// Host names and IP addresses: letters, digits, '.', '-', '_' and ':' (IPv6).
bool IsValidHost(std::string_view host);

}  // namespace sr::spawner_registry
