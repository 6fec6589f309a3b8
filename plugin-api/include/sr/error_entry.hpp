// One recorded error response, as the host keeps it and as Host::Errors hands it to plugins.
// Header-only C++17, independent of the ABI, so that the host's error log and the SDK share
// the one definition.
#ifndef SR_ERROR_ENTRY_HPP
#define SR_ERROR_ENTRY_HPP

#include <cstdint>
#include <string>

namespace sr {

struct ErrorEntry {
  std::uint64_t sequence = 0;  // increasing, starts at 1
  int status = 0;
  std::int64_t timestamp_ms = 0;  // Unix time
  std::string method;
  std::string path;
  std::string message;
  std::string client_ip;
};

}  // namespace sr

#endif  // SR_ERROR_ENTRY_HPP
