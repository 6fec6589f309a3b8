// The command line, and the plugin template that --new-plugin writes (built and loaded by
// tests/sdk/new_plugin_test.sh).
#include "app/command_line.h"

#include <gtest/gtest.h>
#include <sr/abi.h>

#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "app/plugin_template.h"

namespace sr::host {
namespace {

std::optional<CommandLine> Parse(const std::vector<std::string>& args, std::string& error) {
  return ParseCommandLine(args, error);
}

TEST(CommandLine, NewPluginWithAndWithoutDir) {
  std::string error;
  auto line = Parse({"--new-plugin", "region-quota"}, error);
  ASSERT_TRUE(line) << error;
  EXPECT_EQ(line->new_plugin, "region-quota");
  EXPECT_EQ(line->new_plugin_dir, "");
  line = Parse({"--new-plugin=region-quota", "--dir", "/tmp/q"}, error);
  ASSERT_TRUE(line) << error;
  EXPECT_EQ(line->new_plugin, "region-quota");
  EXPECT_EQ(line->new_plugin_dir, "/tmp/q");
}

TEST(CommandLine, DirNeedsNewPluginAndNewPluginNeedsAName) {
  std::string error;
  EXPECT_FALSE(Parse({"--dir", "/tmp/q"}, error));
  EXPECT_NE(error.find("--new-plugin"), std::string::npos) << error;
  error.clear();
  EXPECT_FALSE(Parse({"--new-plugin"}, error));
  EXPECT_NE(error.find("needs a value"), std::string::npos) << error;
}

TEST(PluginTemplate, NamesMustBeKebabCaseStartingWithALetter) {
  std::string error;
  EXPECT_TRUE(IsTemplateName("quota", error));
  EXPECT_TRUE(IsTemplateName("region-quota2", error));
  for (const char* bad : {"", "Quota", "2quota", "region_quota", "-q", "q-", "a--b", "../x"}) {
    error.clear();
    EXPECT_FALSE(IsTemplateName(bad, error)) << bad;
    EXPECT_NE(error.find("kebab-case"), std::string::npos);
  }
  EXPECT_FALSE(IsTemplateName(std::string(65, 'a'), error));
}

TEST(PluginTemplate, FilesNameThePluginEverywhere) {
  auto files = PluginTemplate("region-quota");
  std::vector<std::string> names;
  for (const auto& file : files) {
    names.push_back(file.name);
    EXPECT_EQ(file.text.find('@'), std::string::npos) << file.name << ": a placeholder is left";
  }
  EXPECT_EQ(names, (std::vector<std::string>{"CMakeLists.txt", "region_quota_plugin.cpp",
                                             "region_quota_test.cpp", "README.md"}));
  EXPECT_NE(files[0].text.find("add_registry_plugin(region-quota SOURCES region_quota_plugin.cpp)"),
            std::string::npos);
  std::string abi = std::to_string(SR_ABI_MAJOR) + "." + std::to_string(SR_ABI_MINOR);
  EXPECT_NE(files[0].text.find("find_package(SpawnerRegistry " + abi + " REQUIRED)"),
            std::string::npos);
  EXPECT_NE(files[1].text.find("class RegionQuotaPlugin final"), std::string::npos);
  EXPECT_NE(files[1].text.find("\"/region-quota/hello/{name}\""), std::string::npos);
}

TEST(PluginTemplate, WritesIntoAnEmptyFolderOnly) {
  auto dir = std::filesystem::temp_directory_path() / ("sr-template-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::string error;
  ASSERT_TRUE(WritePluginTemplate("quota", dir / "quota", error)) << error;
  EXPECT_TRUE(std::filesystem::exists(dir / "quota" / "quota_plugin.cpp"));
  std::ifstream readme(dir / "quota" / "README.md");
  std::stringstream text;
  text << readme.rdbuf();
  EXPECT_EQ(text.str().rfind("# quota\n", 0), 0u);

  EXPECT_FALSE(WritePluginTemplate("quota", dir / "quota", error));
  EXPECT_NE(error.find("not empty"), std::string::npos) << error;
  EXPECT_FALSE(WritePluginTemplate("Bad", dir / "bad", error));
  EXPECT_FALSE(std::filesystem::exists(dir / "bad"));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace sr::host
