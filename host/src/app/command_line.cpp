#include "app/command_line.h"

namespace sr::host {

std::optional<CommandLine> ParseCommandLine(const std::vector<std::string>& args,
                                            std::string& error) {
  CommandLine line;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    auto value = [&](const std::string& name) -> std::optional<std::string> {
      std::string prefix = name + "=";
      if (arg.rfind(prefix, 0) == 0) return arg.substr(prefix.size());
      if (arg == name) {
        if (i + 1 >= args.size()) {
          error = name + " needs a value";
          return std::nullopt;
        }
        return args[++i];
      }
      return std::nullopt;
    };
    if (arg == "--check") {
      line.check = true;
    } else if (arg == "--version" || arg == "-V") {
      line.version = true;
    } else if (arg == "--help" || arg == "-h") {
      line.help = true;
    } else if (arg == "--config" || arg.rfind("--config=", 0) == 0 || arg == "-c") {
      auto path = arg == "-c" ? (i + 1 < args.size() ? std::optional(args[++i]) : std::nullopt)
                              : value("--config");
      if (!path || path->empty()) {
        if (error.empty()) error = "--config needs a path";
        return std::nullopt;
      }
      line.config_path = *path;
    } else if (arg == "--ready-file" || arg.rfind("--ready-file=", 0) == 0) {
      auto path = value("--ready-file");
      if (!path) return std::nullopt;
      line.ready_file = *path;
    } else if (arg == "--new-plugin" || arg.rfind("--new-plugin=", 0) == 0) {
      auto name = value("--new-plugin");
      if (!name) return std::nullopt;
      line.new_plugin = *name;
    } else if (arg == "--dir" || arg.rfind("--dir=", 0) == 0) {
      auto dir = value("--dir");
      if (!dir || dir->empty()) {
        if (error.empty()) error = "--dir needs a path";
        return std::nullopt;
      }
      line.new_plugin_dir = *dir;
    } else {
      error = "unknown argument '" + arg + "'";
      return std::nullopt;
    }
  }
  if (!line.new_plugin_dir.empty() && line.new_plugin.empty()) {
    error = "--dir goes with --new-plugin";
    return std::nullopt;
  }
  return line;
}

std::string UsageText(const std::string& program) {
  return "Usage: " + program +
         " [--config PATH] [--check] [--version] [--help]\n"
         "       " +
         program +
         " --new-plugin NAME [--dir DIR]\n"
         "\n"
         "Spawner Registry master server: a plugin host for game-server fleets.\n"
         "\n"
         "  -c, --config PATH   plugins.yaml to load (default: ./plugins.yaml)\n"
         "      --check         validate the configuration and plugins, print the plugins\n"
         "                      that would load and every route with its guard, then exit\n"
         "      --ready-file P  write {\"port\":N,\"pid\":P} to P once the server listens\n"
         "      --new-plugin N  write a new plugin's folder to DIR (--dir, default ./N):\n"
         "                      CMakeLists.txt, a route, a config key, a unit test under\n"
         "                      the fake host and a README; builds against the installed SDK\n"
         "  -V, --version       print the host and plugin ABI versions\n"
         "  -h, --help          show this help\n"
         "\n"
         "A .env file in the working directory is read first; real environment variables\n"
         "win over it. Exit status: 0 on a clean shutdown, 1 when start-up fails, 2 for a\n"
         "usage or configuration error.\n";
}

}  // namespace sr::host
