#include "spawner_credentials_service.h"

#include <gtest/gtest.h>

#include "registry_fakes.h"

namespace sr::spawner_registry {
namespace {

sr_str Str(const std::string& text) { return sr_str{text.data(), text.size()}; }

TEST(SpawnerRegistryCredentialsServiceTest, VerifiesLiveTokensThroughTheVtable) {
  testing::FakeClock clock;
  testing::RecordingEvents events;
  Registry registry(RegistryOptions{}, nullptr, events, clock);
  SpawnerCredentialsService service(registry);
  const sr_spawner_credentials_v1& api = *service.vtable();
  ASSERT_EQ(api.struct_size, sizeof(sr_spawner_credentials_v1));

  std::string token;
  registry.Register(Registration{}, "10.0.0.1",
                    [&](const ChangeOutcome& outcome) { token = outcome.token; });
  std::uint64_t id = 0;
  EXPECT_EQ(api.verify_token(api.self, Str(token), &id), 1);
  EXPECT_EQ(id, 1u);

  std::uint64_t untouched = 77;
  EXPECT_EQ(api.verify_token(api.self, Str("not a token"), &untouched), 0);
  EXPECT_EQ(api.verify_token(api.self, sr_str{nullptr, 0}, &untouched), 0);
  EXPECT_EQ(api.verify_token(api.self, Str(token), nullptr), 0);
  EXPECT_EQ(untouched, 77u);

  registry.Delete(1, [](const ChangeOutcome&) {});
  EXPECT_EQ(api.verify_token(api.self, Str(token), &untouched), 0);
}

}  // namespace
}  // namespace sr::spawner_registry
