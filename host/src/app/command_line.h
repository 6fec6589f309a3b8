#pragma once

#include <optional>
#include <string>
#include <vector>

namespace sr::host {

struct CommandLine {
  std::string config_path = "plugins.yaml";
  bool check = false;
  bool version = false;
  bool help = false;
  std::string ready_file;      // written once the server listens: {"port":N,"pid":P}
  std::string new_plugin;      // --new-plugin NAME: write a plugin template and exit
  std::string new_plugin_dir;  // --dir DIR: where (default ./NAME)
};

// nullopt on a usage error; `error` then says what was wrong.
std::optional<CommandLine> ParseCommandLine(const std::vector<std::string>& args,
                                            std::string& error);
std::string UsageText(const std::string& program);

}  // namespace sr::host
