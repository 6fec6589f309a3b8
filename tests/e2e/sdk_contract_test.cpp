// The SDK's route trampoline in the real host: a handler that throws after deferring its
// response leaves it to whoever completes it (plugin-api/ABI.md, "Errors").
#include <gtest/gtest.h>

#include <string>

#include "http_client.h"
#include "kit_host.h"
#include "test_host.h"

namespace sr::test {
namespace {

TEST(SdkContractE2e, HandlerThrowingAfterDeferKeepsTheLaterAnswer) {
  TestHost host(KitYaml());
  ASSERT_TRUE(host.Start()) << host.Output();
  HttpClient client(host.port());
  for (int i = 0; i < 3; ++i) {  // and the connection stays usable after each
    auto response = client.Get("/kit/defer-then-throw");
    EXPECT_EQ(response.status, 202) << response.body;
    EXPECT_EQ(response.body, "{\"seen\":200}");
  }
  // Nothing of a 500 reached the error log: only the three answers above were sent.
  auto errors = client.Get("/kit/errors");
  EXPECT_EQ(errors.body.find("500"), std::string::npos) << errors.body;
  EXPECT_EQ(host.Stop(), 0);
  EXPECT_NE(host.Output().find("kit threw after deferring"), std::string::npos) << host.Output();
}

}  // namespace
}  // namespace sr::test
