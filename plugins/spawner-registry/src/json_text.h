#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace sr::spawner_registry {

void AppendUnsigned(std::string& out, std::uint64_t value);
void AppendSigned(std::string& out, std::int64_t value);
// Bytes AppendSigned / AppendUnsigned append for `value`.
std::size_t SignedSize(std::int64_t value);
std::size_t UnsignedSize(std::uint64_t value);

}  // namespace sr::spawner_registry
