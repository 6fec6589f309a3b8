#include "json_text.h"

#include <gtest/gtest.h>

namespace sr::spawner_registry {
namespace {

TEST(SpawnerRegistryJsonTextTest, WritesIntegers) {
  std::string out;
  AppendUnsigned(out, 18446744073709551615u);
  out += ' ';
  AppendSigned(out, -42);
  EXPECT_EQ(out, "18446744073709551615 -42");
}

}  // namespace
}  // namespace sr::spawner_registry
