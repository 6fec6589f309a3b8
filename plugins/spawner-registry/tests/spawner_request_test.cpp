#include "spawner_request.h"

#include <gtest/gtest.h>

namespace sr::spawner_registry {
namespace {

constexpr const char* kValid =
    R"({"region":"eu-west","host":"10.0.0.7","port":7777,"max_instances":10,)"
    R"("current_instances":2,"status":"running"})";

// A valid registration with one field's JSON text replaced (or removed when `value` is
// empty).
std::string With(const std::string& field, const std::string& value) {
  std::map<std::string, std::string> fields = {
      {"region", "\"eu-west\""}, {"host", "\"10.0.0.7\""},   {"port", "7777"},
      {"max_instances", "10"},   {"current_instances", "2"}, {"status", "\"running\""}};
  if (value.empty()) {
    fields.erase(field);
  } else {
    fields[field] = value;
  }
  std::string body = "{";
  for (const auto& [name, text] : fields) {
    if (body.size() > 1) body += ",";
    body += "\"" + name + "\":" + text;
  }
  return body + "}";
}

std::string RegistrationError(const std::string& body) {
  auto parsed = ParseRegistration(body);
  EXPECT_FALSE(parsed.has_value()) << body;
  return parsed.error();
}

TEST(SpawnerRegistryRequestTest, ParsesAFullRegistration) {
  auto parsed = ParseRegistration(kValid);
  ASSERT_TRUE(parsed.has_value()) << parsed.error();
  const Registration& registration = *parsed;
  EXPECT_EQ(registration.region, "eu-west");
  EXPECT_EQ(registration.host, "10.0.0.7");
  EXPECT_EQ(registration.port, 7777);
  EXPECT_EQ(registration.max_instances, 10);
  EXPECT_EQ(registration.current_instances, 2);
  EXPECT_EQ(registration.status, "running");
}

TEST(SpawnerRegistryRequestTest, OptionalFieldsHaveDefaults) {
  auto parsed = ParseRegistration(
      " \r\n{\"region\":\"\",\"host\":\"game-1.example.com\",\"port\":1,\"max_instances\":0} \n");
  ASSERT_TRUE(parsed.has_value()) << parsed.error();
  EXPECT_EQ(parsed->current_instances, 0);
  EXPECT_EQ(parsed->status, kDefaultStatus);
}

TEST(SpawnerRegistryRequestTest, AcceptsTheBoundaries) {
  EXPECT_TRUE(ParseRegistration(With("host", "\"" + std::string(255, 'h') + "\"")).has_value());
  EXPECT_TRUE(ParseRegistration(With("region", "\"" + std::string(64, 'r') + "\"")).has_value());
  EXPECT_TRUE(ParseRegistration(With("status", "\"" + std::string(32, 's') + "\"")).has_value());
  EXPECT_TRUE(ParseRegistration(With("port", "65535")).has_value());
  EXPECT_TRUE(ParseRegistration(With("max_instances", "100000")).has_value());
  EXPECT_TRUE(ParseRegistration(With("host", "\"::1\"")).has_value());
}

struct Refusal {
  std::string body;
  std::string expected;  // a part of the message
};

void PrintTo(const Refusal& refusal, std::ostream* out) { *out << refusal.expected; }

class SpawnerRegistryRegistrationRefusalTest : public ::testing::TestWithParam<Refusal> {};

TEST_P(SpawnerRegistryRegistrationRefusalTest, NamesTheProblem) {
  std::string error = RegistrationError(GetParam().body);
  EXPECT_NE(error.find(GetParam().expected), std::string::npos)
      << "body: " << GetParam().body << "\nerror: " << error;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, SpawnerRegistryRegistrationRefusalTest,
    ::testing::Values(
        Refusal{With("host", "\"\""), "host must not be empty"},
        Refusal{With("host", "\"" + std::string(256, 'h') + "\""), "host must be at most 255"},
        Refusal{With("host", "\"evil.com/path?\""), "host must be a host name"},
        Refusal{With("host", "\"a b\""), "host must be a host name"},
        Refusal{With("host", "42"), "host must be a string"},
        Refusal{With("host", ""), "missing field 'host'"},
        Refusal{With("region", "\"" + std::string(65, 'r') + "\""), "region must be at most 64"},
        Refusal{With("region", "null"), "region must be a string"},
        Refusal{With("region", ""), "missing field 'region'"},
        Refusal{With("port", "0"), "port must be between 1 and 65535"},
        Refusal{With("port", "65536"), "port must be between 1 and 65535"},
        Refusal{With("port", "-1"), "port must be between 1 and 65535"},
        Refusal{With("port", "\"7777\""), "port must be an integer"},
        Refusal{With("port", "77.5"), "port must be an integer"},
        Refusal{With("port", "7e3"), "port must be an integer"},
        Refusal{With("port", "true"), "port must be an integer"},
        Refusal{With("port", ""), "missing field 'port'"},
        Refusal{With("max_instances", "-1"), "max_instances must be between 0 and 100000"},
        Refusal{With("max_instances", "100001"), "max_instances must be between 0 and 100000"},
        Refusal{With("max_instances", "99999999999999999999"), "max_instances must be an integer"},
        Refusal{With("max_instances", "[1]"), "max_instances must be an integer"},
        Refusal{With("max_instances", ""), "missing field 'max_instances'"},
        Refusal{With("current_instances", "-5"), "current_instances must be between 0 and"},
        Refusal{With("current_instances", "{}"), "current_instances must be an integer"},
        Refusal{With("status", "\"" + std::string(33, 's') + "\""), "status must be at most 32"},
        Refusal{With("status", "1"), "status must be a string"},
        Refusal{std::string(kValid).insert(1, "\"extra\":1,"), "unknown field 'extra'"},
        Refusal{std::string(kValid).insert(1, "\"port\":1,"), "duplicate field 'port'"},
        Refusal{std::string(kValid) + "{}", "unexpected data after the JSON object"},
        Refusal{std::string(kValid) + " x", "unexpected data after the JSON object"},
        Refusal{std::string(kValid) + std::string(1, '\0') + "junk",
                "unexpected data after the JSON object"},
        Refusal{"", "the body must be a JSON object"},
        Refusal{"   ", "the body must be a JSON object"},
        Refusal{"[1,2]", "the body must be a JSON object"},
        Refusal{"\"text\"", "the body must be a JSON object"},
        Refusal{"42", "the body must be a JSON object"},
        Refusal{"null", "the body must be a JSON object"},
        Refusal{"{\"region\":\"eu\",", "invalid JSON"}, Refusal{"{'region':'eu'}", "invalid JSON"},
        Refusal{With("region", "\"\xff\xfe\""), "not valid UTF-8"},
        Refusal{With("status", "\"\xc3\""), "not valid UTF-8"}),
    [](const auto& test_info) { return "Case" + std::to_string(test_info.index); });

TEST(SpawnerRegistryRequestTest, HeartbeatFieldsAreOptional) {
  auto full = ParseHeartbeat(R"({"current_instances":3,"max_instances":8,"status":"busy"})");
  ASSERT_TRUE(full.has_value()) << full.error();
  EXPECT_EQ(*full->current_instances, 3);
  EXPECT_EQ(*full->max_instances, 8);
  EXPECT_EQ(*full->status, "busy");
  auto empty = ParseHeartbeat("{}");
  ASSERT_TRUE(empty.has_value());
  EXPECT_FALSE(empty->current_instances || empty->max_instances || empty->status);
}

TEST(SpawnerRegistryRequestTest, HeartbeatsAreValidatedLikeRegistrations) {
  EXPECT_NE(ParseHeartbeat(R"({"current_instances":-1})").error().find("current_instances"),
            std::string::npos);
  EXPECT_NE(ParseHeartbeat(R"({"status":5})").error().find("status must be a string"),
            std::string::npos);
  EXPECT_NE(ParseHeartbeat(R"({"host":"x"})").error().find("unknown field 'host'"),
            std::string::npos);
  EXPECT_NE(ParseHeartbeat(R"({} {})").error().find("unexpected data"), std::string::npos);
  EXPECT_NE(ParseHeartbeat("").error().find("JSON object"), std::string::npos);
}

TEST(SpawnerRegistryRequestTest, LongUnknownFieldNamesAreShortened) {
  std::string error = RegistrationError("{\"" + std::string(1000, 'x') + "\":1}");
  EXPECT_LT(error.size(), 100u);
}

TEST(SpawnerRegistryRequestTest, SpawnerIds) {
  EXPECT_EQ(ParseSpawnerId("1"), 1u);
  EXPECT_EQ(ParseSpawnerId("18446744073709551615"), 18446744073709551615u);
  for (const char* bad : {"", "0", "000", "007", "01", "-1", "+1", " 1", "1 ", "1a", "abc", "1.0",
                          "18446744073709551616", "99999999999999999999999"}) {
    auto parsed = ParseSpawnerId(bad);
    EXPECT_FALSE(parsed.has_value()) << bad;
    EXPECT_NE(parsed.error().find("invalid spawner id"), std::string::npos);
  }
}

TEST(SpawnerRegistryRequestTest, HostCharacters) {
  EXPECT_TRUE(IsValidHost("game_1.eu-west.example.com"));
  EXPECT_TRUE(IsValidHost("fe80::1"));
  EXPECT_FALSE(IsValidHost("user@host"));
  EXPECT_FALSE(IsValidHost("host#frag"));
  EXPECT_FALSE(IsValidHost(""));
}

}  // namespace
}  // namespace sr::spawner_registry
