// Freezes the ABI layout as seen by a C++ compiler: the host and C++ plugins must agree with
// C plugins byte for byte.
#include <sr/abi.h>
#include <sr/services/kv_store.h>
#include <sr/services/spawner_directory.h>

#include <gtest/gtest.h>

#include <cstddef>

#define SR_FROZEN_SIZE(type, size, align)                       \
  static_assert(sizeof(type) == (size), #type " changed size"); \
  static_assert(alignof(type) == (align), #type " changed alignment")
#define SR_FROZEN_OFFSET(type, field, offset) \
  static_assert(offsetof(type, field) == (offset), #type "." #field " moved")

#include "frozen_layout.inc"

namespace {

TEST(AbiLayout, HostApiTableIsOnlyPointers) {
  // Every entry after the version header is one function pointer: nothing can hide padding
  // that a compiler might lay out differently.
  constexpr size_t kHeader = offsetof(sr_host_api, host_version);
  EXPECT_EQ(kHeader, 8u);
  EXPECT_EQ((sizeof(sr_host_api) - kHeader) % sizeof(void*), 0u);
}

TEST(AbiLayout, VersionFieldsStayAtTheFront) {
  // The loader reads these before it trusts struct_size for anything else.
  EXPECT_EQ(offsetof(sr_plugin_descriptor, struct_size), 0u);
  EXPECT_EQ(offsetof(sr_plugin_descriptor, abi_major), 4u);
  EXPECT_EQ(offsetof(sr_plugin_descriptor, abi_minor), 6u);
  EXPECT_EQ(offsetof(sr_host_api, struct_size), 0u);
}

}  // namespace
