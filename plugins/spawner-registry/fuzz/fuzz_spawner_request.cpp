// Registration and heartbeat bodies and path ids, as spawners (or anyone) send them.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "spawner_request.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  using namespace sr::spawner_registry;
  auto registration = ParseRegistration(input);
  if (registration.has_value()) {
    const Registration& value = *registration;
    // Whatever is accepted is within the contract's bounds.
    if (value.host.empty() || value.host.size() > 255 || value.region.size() > 64 ||
        value.port == 0 || value.max_instances < 0 || value.current_instances < 0 ||
        value.status.size() > 32 || !IsValidHost(value.host)) {
      __builtin_trap();
    }
  } else if (registration.error().empty()) {
    __builtin_trap();  // a refusal always says why
  }
  auto heartbeat = ParseHeartbeat(input);
  if (!heartbeat.has_value() && heartbeat.error().empty()) __builtin_trap();
  auto id = ParseSpawnerId(input);
  if (id.has_value() && *id == 0) __builtin_trap();
  return 0;
}
