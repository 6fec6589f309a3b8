// server.log_format: json — the formatter's output for any message is one JSON object on one
// line with time, level, plugin, message and fields.
#include "logging/json_log_formatter.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <memory>
#include <regex>
#include <sstream>
#include <string>

#include "logging/log_event.h"

namespace sr::host {
namespace {

std::string Format(spdlog::level::level_enum level, std::string_view payload) {
  JsonLogFormatter formatter;
  spdlog::details::log_msg msg("", level, spdlog::string_view_t(payload.data(), payload.size()));
  spdlog::memory_buf_t out;
  formatter.format(msg, out);
  return std::string(out.data(), out.size());
}

rapidjson::Document Parse(const std::string& line) {
  rapidjson::Document document;
  document.Parse(line.data(), line.size());
  EXPECT_FALSE(document.HasParseError()) << line;
  EXPECT_TRUE(document.IsObject()) << line;
  return document;
}

TEST(JsonLogFormatter, OneObjectPerLineWithEveryMember) {
  std::string line = Format(spdlog::level::warn, "disk almost full");
  ASSERT_FALSE(line.empty());
  EXPECT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1) << line;
  auto document = Parse(line);
  ASSERT_TRUE(document.IsObject());
  EXPECT_TRUE(std::regex_match(document["time"].GetString(),
                               std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")))
      << line;
  EXPECT_STREQ(document["level"].GetString(), "warn");
  EXPECT_STREQ(document["plugin"].GetString(), "host");
  EXPECT_STREQ(document["message"].GetString(), "disk almost full");
  ASSERT_TRUE(document["fields"].IsObject());
  EXPECT_EQ(document["fields"].MemberCount(), 0u);
}

TEST(JsonLogFormatter, APluginPrefixBecomesThePluginMember) {
  auto document = Parse(Format(spdlog::level::err, "[spawner-registry] store unavailable"));
  EXPECT_STREQ(document["level"].GetString(), "error");
  EXPECT_STREQ(document["plugin"].GetString(), "spawner-registry");
  EXPECT_STREQ(document["message"].GetString(), "store unavailable");
  // Brackets that are not a plugin id stay in the message.
  document = Parse(Format(spdlog::level::info, "[Not An Id] text"));
  EXPECT_STREQ(document["plugin"].GetString(), "host");
  EXPECT_STREQ(document["message"].GetString(), "[Not An Id] text");
}

TEST(JsonLogFormatter, HostileMessagesStayOneValidLine) {
  std::string payload = "[auth] a \"quoted\"\nsecond line\r\t\x01 back\\slash \xff\xfe bad utf-8";
  std::string line = Format(spdlog::level::info, payload);
  EXPECT_EQ(line.find('\n'), line.size() - 1) << line;
  auto document = Parse(line);
  std::string message = document["message"].GetString();
  EXPECT_EQ(message.rfind("a \"quoted\"\nsecond line\r\t\x01 back\\slash ", 0), 0u) << message;
  EXPECT_NE(message.find("\xef\xbf\xbd"), std::string::npos) << "invalid UTF-8 becomes U+FFFD";
}

TEST(JsonLogFormatter, LogEventCarriesPluginAndFields) {
  auto stream = std::make_shared<std::ostringstream>();
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(*stream);
  auto previous = spdlog::default_logger();
  auto logger = std::make_shared<spdlog::logger>("json-test", sink);
  logger->set_formatter(std::make_unique<JsonLogFormatter>());
  spdlog::set_default_logger(logger);
  LogEvent(
      spdlog::level::info, "file-distribution", "build activated",
      {{"version", std::string("1.4.2")}, {"bytes", std::int64_t{209715200}}, {"manual", false}});
  LogEvent(spdlog::level::info, {}, "listening", {{"port", std::int64_t{8081}}});
  spdlog::set_default_logger(previous);

  std::istringstream lines(stream->str());
  std::string first, second;
  ASSERT_TRUE(std::getline(lines, first));
  ASSERT_TRUE(std::getline(lines, second));
  auto document = Parse(first);
  EXPECT_STREQ(document["plugin"].GetString(), "file-distribution");
  EXPECT_STREQ(document["message"].GetString(), "build activated");
  EXPECT_STREQ(document["fields"]["version"].GetString(), "1.4.2");
  EXPECT_EQ(document["fields"]["bytes"].GetInt64(), 209715200);
  EXPECT_FALSE(document["fields"]["manual"].GetBool());
  document = Parse(second);
  EXPECT_STREQ(document["plugin"].GetString(), "host");
  EXPECT_EQ(document["fields"]["port"].GetInt64(), 8081);
}

}  // namespace
}  // namespace sr::host
