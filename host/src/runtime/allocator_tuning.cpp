#include "runtime/allocator_tuning.h"

#include <malloc.h>

#include <cstdlib>

namespace sr::host {

namespace {

constexpr int kArenas = 1;
constexpr int kThresholdBytes = 64 * 1024;

void SetUnlessChosen(const char* variable, int option, int value) {
  if (std::getenv(variable) == nullptr) ::mallopt(option, value);
}

}  // namespace

void TuneAllocator() {
#ifdef __GLIBC__
  SetUnlessChosen("MALLOC_ARENA_MAX", M_ARENA_MAX, kArenas);
  SetUnlessChosen("MALLOC_MMAP_THRESHOLD_", M_MMAP_THRESHOLD, kThresholdBytes);
  SetUnlessChosen("MALLOC_TRIM_THRESHOLD_", M_TRIM_THRESHOLD, kThresholdBytes);
  SetUnlessChosen("MALLOC_TOP_PAD_", M_TOP_PAD, 0);
#endif
}

}  // namespace sr::host
