#pragma once

namespace sr::test {

// Sanitizer runtimes keep shadow memory and quarantines: memory bounds in tests scale by this.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
inline constexpr int kMemorySlack = 4;
#else
inline constexpr int kMemorySlack = 1;
#endif

}  // namespace sr::test
