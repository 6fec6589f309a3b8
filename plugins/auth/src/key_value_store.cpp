#include "key_value_store.h"

#include <cstdio>

namespace sr::auth {

std::string SequenceKey(std::uint64_t number) {
  char buffer[24];
  std::snprintf(buffer, sizeof(buffer), "%020llu", static_cast<unsigned long long>(number));
  return buffer;
}

}  // namespace sr::auth
