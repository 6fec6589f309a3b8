// server.log_format: json end to end: every line the real host writes (its own and a plugin's,
// start-up to shutdown) is one JSON object; text stays the default.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <sstream>
#include <string>

#include "http_client.h"
#include "test_host.h"

namespace sr::test {
namespace {

std::string Yaml(const std::string& server_extra) {
  return "server:\n  bind: 127.0.0.1\n  port: 0\n  plugin_dir: {{PLUGIN_DIR}}\n" + server_extra +
         "plugins:\n  - id: hello-c\n";
}

TEST(JsonLogs, EveryLineIsOneObjectFromStartToShutdown) {
  TestHost host(Yaml("  log_format: json\n"));
  ASSERT_TRUE(host.Start()) << host.Output();
  HttpClient client(host.port());
  EXPECT_EQ(client.Get("/examples/hello-c").status, 200);
  ASSERT_EQ(host.Stop(), 0) << host.Output();

  std::istringstream lines(host.Output());
  std::string line;
  int count = 0;
  bool plugin_line = false, listening_line = false, stopped_line = false;
  while (std::getline(lines, line)) {
    ++count;
    rapidjson::Document document;
    document.Parse(line.data(), line.size());
    ASSERT_FALSE(document.HasParseError()) << "not JSON: " << line;
    ASSERT_TRUE(document.IsObject()) << line;
    for (const char* member : {"time", "level", "plugin", "message"}) {
      ASSERT_TRUE(document.HasMember(member) && document[member].IsString())
          << member << ": " << line;
    }
    ASSERT_TRUE(document.HasMember("fields") && document["fields"].IsObject()) << line;
    std::string plugin = document["plugin"].GetString();
    std::string message = document["message"].GetString();
    if (plugin == "hello-c" && message == "ready") plugin_line = true;
    if (plugin == "host" && message.find("listening on http://") != std::string::npos) {
      listening_line = true;
      ASSERT_TRUE(document["fields"].HasMember("port")) << line;
      EXPECT_EQ(document["fields"]["port"].GetInt64(), host.port());
      EXPECT_STREQ(document["level"].GetString(), "info");
    }
    if (plugin == "host" && message == "stopped cleanly") stopped_line = true;
  }
  EXPECT_GE(count, 4);
  EXPECT_TRUE(plugin_line) << "no {\"plugin\":\"hello-c\",\"message\":\"ready\"}:\n"
                           << host.Output();
  EXPECT_TRUE(listening_line) << host.Output();
  EXPECT_TRUE(stopped_line) << host.Output();
}

TEST(JsonLogs, TextIsTheDefault) {
  TestHost host(Yaml(""));
  ASSERT_TRUE(host.Start()) << host.Output();
  ASSERT_EQ(host.Stop(), 0);
  EXPECT_NE(host.Output().find(" [hello-c] ready\n"), std::string::npos) << host.Output();
  EXPECT_EQ(host.Output().find("{\"time\""), std::string::npos) << host.Output();
}

TEST(JsonLogs, AnUnknownFormatIsAConfigError) {
  TestHost host(Yaml("  log_format: xml\n"));
  EXPECT_FALSE(host.Start());
  EXPECT_EQ(host.exit_code(), 2);
  EXPECT_NE(host.Output().find("log_format must be text or json; got \"xml\""), std::string::npos)
      << host.Output();
}

}  // namespace
}  // namespace sr::test
