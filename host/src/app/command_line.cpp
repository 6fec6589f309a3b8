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
    } else {
      error = "unknown argument '" + arg + "'";
      return std::nullopt;
    }
  }
  return line;
}

std::string UsageText(const std::string& program) {
  return "Usage: " + program +
         " [--config PATH] [--check] [--version] [--help]\n"
         "\n"
         "Spawner Registry master server: a plugin host for game-server fleets.\n"
         "\n"
         "  -c, --config PATH   plugins.yaml to load (default: ./plugins.yaml)\n"
         "      --check         validate the configuration and plugins, print the plugins\n"
         "                      that would load and every route with its guard, then exit\n"
         "      --ready-file P  write {\"port\":N,\"pid\":P} to P once the server listens\n"
         "  -V, --version       print the host and plugin ABI versions\n"
         "  -h, --help          show this help\n"
         "\n"
         "A .env file in the working directory is read first; real environment variables\n"
         "win over it. Exit status: 0 on a clean shutdown, 1 when start-up fails, 2 for a\n"
         "usage or configuration error.\n";
}

}  // namespace sr::host
