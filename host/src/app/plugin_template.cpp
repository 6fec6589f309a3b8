#include "app/plugin_template.h"

#include <sr/abi.h>

#include <fstream>
#include <regex>
#include <system_error>

namespace sr::host {

namespace {

// @ID@ the plugin id (kebab-case), @IDENT@ the same in snake_case (files, CMake targets),
// @CLASS@ the C++ class, @ABI@ the plugin ABI the generated package request asks for.
constexpr const char* kCMakeLists =
    R"tpl(# @ID@: a Spawner Registry plugin, built out of tree against the installed SDK.
#   cmake -S . -B build -DCMAKE_PREFIX_PATH=<sdk prefix>
#   cmake --build build && ctest --test-dir build
cmake_minimum_required(VERSION 3.16)
project(@IDENT@ LANGUAGES CXX)

set(CMAKE_CXX_STANDARD 17)
set(CMAKE_CXX_STANDARD_REQUIRED ON)

# The version asked for is the plugin ABI (major.minor), not the product version: any SDK
# with the same major and at least this minor will do.
find_package(SpawnerRegistry @ABI@ REQUIRED)

add_registry_plugin(@ID@ SOURCES @IDENT@_plugin.cpp)
target_compile_options(@ID@ PRIVATE -Wall -Wextra -Werror)

# The unit test runs the plugin under sr::testing::FakeHost, in process. It needs GoogleTest
# and RapidJSON (Debian: googletest or libgtest-dev, rapidjson-dev); -DBUILD_TESTING=OFF
# builds the plugin alone.
include(CTest)
if(BUILD_TESTING)
  find_package(GTest REQUIRED)
  find_package(RapidJSON REQUIRED)
  add_executable(@IDENT@_test @IDENT@_test.cpp @IDENT@_plugin.cpp)
  target_include_directories(@IDENT@_test PRIVATE ${RAPIDJSON_INCLUDE_DIRS})
  target_link_libraries(@IDENT@_test PRIVATE sr::sdk GTest::gtest_main)
  target_compile_options(@IDENT@_test PRIVATE -Wall -Wextra -Werror)
  add_test(NAME @IDENT@_test COMMAND @IDENT@_test)
endif()
)tpl";

constexpr const char* kPlugin = R"tpl(// @ID@: a Spawner Registry plugin.
// Routes: GET /@ID@/hello/{name} (public) -> {"message": "<greeting>, <name>!"}
// Config: greeting  text (default "Hello")
#include <sr/plugin.hpp>

#include <string>

class @CLASS@ final : public sr::Plugin {
 public:
  static sr::PluginInfo Info() {
    sr::PluginInfo info;
    info.id = "@ID@";  // the id plugins.yaml names; the file must be @ID@.so
    info.version = "0.1.0";
    info.description = "@ID@ plugin";
    // Services this plugin offers or needs go in info.provides, info.required, info.uses.
    return info;
  }

  void Init(sr::Host& host) override {
    greeting_ = host.config().String("greeting", "Hello");
    // Refuses keys this plugin does not read, so that a typo in plugins.yaml stops the host.
    host.config().Finish();
    host.Route("GET", "/@ID@/hello/{name}", "public",
               [this](sr::Request& request, sr::Response& response) {
                 std::string text =
                     greeting_ + ", " + std::string(*request.PathParam("name")) + "!";
                 response.Json(200, "{\"message\":" + sr::JsonString(text) + "}");
               });
  }

 private:
  std::string greeting_;
};

SR_DECLARE_PLUGIN(@CLASS@)
)tpl";

constexpr const char* kTest =
    R"tpl(// @ID@ under sr::testing::FakeHost: the same config rules, routing and error bodies as
// spawner-master, without sockets or threads.
#include <gtest/gtest.h>
#include <sr/testing/fake_host.hpp>

// The plugin's entry point (SR_DECLARE_PLUGIN), compiled into this test as well.
extern "C" const sr_plugin_descriptor* sr_plugin_entry_v1(void);

namespace {

TEST(@CLASS@, GreetsWithTheConfiguredGreeting) {
  sr::testing::FakeHost host(R"json({"greeting": "Howdy"})json");
  auto loaded = host.Load(sr_plugin_entry_v1());
  ASSERT_TRUE(loaded.ok()) << loaded.error;
  ASSERT_TRUE(host.Start().ok());
  sr::testing::FakeResponse response = host.Call("GET", "/@ID@/hello/ann");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, R"json({"message":"Howdy, ann!"})json");
}

TEST(@CLASS@, RefusesAnUnknownConfigKey) {
  sr::testing::FakeHost host(R"json({"greetin": "Howdy"})json");
  auto loaded = host.Load(sr_plugin_entry_v1());
  EXPECT_FALSE(loaded.ok());
  EXPECT_NE(loaded.error.find("greetin"), std::string::npos) << loaded.error;
}

}  // namespace
)tpl";

constexpr const char* kReadme = R"tpl(# @ID@

A Spawner Registry plugin, written by `spawner-master --new-plugin @ID@`.

## Build and test

Against an installed SDK (the spawner-registry-dev package, or
`cmake --install <spawner-registry build> --component sdk --prefix <sdk prefix>`):

```sh
cmake -S . -B build -DCMAKE_PREFIX_PATH=<sdk prefix>
cmake --build build
ctest --test-dir build      # the unit test, under sr::testing::FakeHost
```

`find_package(SpawnerRegistry @ABI@)` asks for the plugin ABI, not the product version:
the SDK is accepted when its ABI major is the same and its minor is at least the one asked.

## Run

Copy `build/@ID@.so` into the host's `plugin_dir` and add the plugin to `plugins.yaml`:

```yaml
plugins:
  - id: @ID@
    config:
      greeting: Howdy
```

`spawner-master --check` lists the plugin and its route; then
`curl http://127.0.0.1:8080/@ID@/hello/ann` answers `{"message":"Howdy, ann!"}`.

## Config

| key | default | meaning |
|---|---|---|
| `greeting` | `Hello` | the first word of the answer |
)tpl";

std::string Replace(std::string text, const std::string& key, const std::string& value) {
  for (size_t at = text.find(key); at != std::string::npos; at = text.find(key, at)) {
    text.replace(at, key.size(), value);
    at += value.size();
  }
  return text;
}

std::string ClassName(const std::string& id) {
  std::string name;
  bool upper = true;
  for (char c : id) {
    if (c == '-') {
      upper = true;
      continue;
    }
    name += upper && c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
    upper = false;
  }
  return name + "Plugin";
}

}  // namespace

bool IsTemplateName(const std::string& id, std::string& error) {
  // A plugin id (kebab-case, at most 64 bytes) that also makes a C++ class name.
  static const std::regex kName("[a-z][a-z0-9]*(-[a-z0-9]+)*");
  if (id.size() <= 64 && std::regex_match(id, kName)) return true;
  error = "plugin name '" + id +
          "' must be kebab-case (lower-case letters, digits and dashes) and start with a letter";
  return false;
}

std::vector<TemplateFile> PluginTemplate(const std::string& id) {
  std::string ident = id;
  for (char& c : ident) c = c == '-' ? '_' : c;
  auto fill = [&](const char* text) {
    std::string out = Replace(text, "@ID@", id);
    out = Replace(out, "@IDENT@", ident);
    out = Replace(out, "@CLASS@", ClassName(id));
    return Replace(out, "@ABI@", std::to_string(SR_ABI_MAJOR) + "." + std::to_string(SR_ABI_MINOR));
  };
  return {{"CMakeLists.txt", fill(kCMakeLists)},
          {ident + "_plugin.cpp", fill(kPlugin)},
          {ident + "_test.cpp", fill(kTest)},
          {"README.md", fill(kReadme)}};
}

bool WritePluginTemplate(const std::string& id, const std::filesystem::path& dir,
                         std::string& error) {
  if (!IsTemplateName(id, error)) return false;
  std::error_code code;
  if (std::filesystem::exists(dir, code) && !std::filesystem::is_empty(dir, code)) {
    error = dir.string() + " exists and is not empty: nothing written";
    return false;
  }
  std::filesystem::create_directories(dir, code);
  if (code) {
    error = "cannot create " + dir.string() + ": " + code.message();
    return false;
  }
  for (const TemplateFile& file : PluginTemplate(id)) {
    std::filesystem::path path = dir / file.name;
    std::ofstream out(path, std::ios::binary);
    out << file.text;
    out.close();
    if (!out) {
      error = "cannot write " + path.string();
      return false;
    }
  }
  return true;
}

}  // namespace sr::host
