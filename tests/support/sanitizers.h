#pragma once

#include <cstdlib>
#include <map>
#include <string>

namespace sr::test {

// Sanitizer runtimes keep shadow memory and quarantines: memory bounds in tests scale by this.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
inline constexpr int kMemorySlack = 4;
#else
inline constexpr int kMemorySlack = 1;
#endif

// Environment for a host whose memory a test measures. AddressSanitizer keeps up to 256 MiB
// of freed blocks in quarantine, which would make any bound meaningless; a small quarantine
// still catches use-after-free of recent frees.
inline std::map<std::string, std::string> MemoryMeasuredEnv() {
#if defined(__SANITIZE_ADDRESS__)
  const char* inherited = std::getenv("ASAN_OPTIONS");
  std::string options = inherited != nullptr ? std::string(inherited) + ":" : std::string();
  return {{"ASAN_OPTIONS", options + "quarantine_size_mb=4"}};
#else
  return {};
#endif
}

}  // namespace sr::test
