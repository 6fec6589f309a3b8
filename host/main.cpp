#include <sys/stat.h>

#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include <sr/abi.h>

#include "app/command_line.h"
#include "app/host_app.h"
#include "app/plugin_template.h"
#include "plugins/host_runtime.h"
#include "runtime/allocator_tuning.h"

int main(int argc, char** argv) {
  sr::host::TuneAllocator();  // before any thread (and so any arena) exists
  // Least privilege for files: everything the host and its plugins create (the database and
  // its -wal/-shm, builds, uploads, secrets, the data folder) is private to this user. Set
  // first, before anything can create a file.
  ::umask(077);
  std::vector<std::string> args(argv + 1, argv + argc);
  std::string error;
  auto command_line = sr::host::ParseCommandLine(args, error);
  std::string program = argc > 0 ? argv[0] : "spawner-master";
  if (!command_line) {
    std::fprintf(stderr, "error: %s\n\n%s", error.c_str(), sr::host::UsageText(program).c_str());
    return 2;
  }
  if (command_line->help) {
    std::printf("%s", sr::host::UsageText(program).c_str());
    return 0;
  }
  if (command_line->version) {
    std::printf("spawner-master %.*s (plugin ABI %d.%d)\n",
                static_cast<int>(sr::host::HostVersion().size()), sr::host::HostVersion().data(),
                SR_ABI_MAJOR, SR_ABI_MINOR);
    return 0;
  }
  if (!command_line->new_plugin.empty()) {
    const std::string& name = command_line->new_plugin;
    std::string dir = command_line->new_plugin_dir.empty() ? name : command_line->new_plugin_dir;
    if (!sr::host::IsTemplateName(name, error)) {
      std::fprintf(stderr, "error: %s\n", error.c_str());
      return 2;
    }
    if (!sr::host::WritePluginTemplate(name, dir, error)) {
      std::fprintf(stderr, "error: %s\n", error.c_str());
      return 1;
    }
    std::printf("plugin '%s' written to %s/ (see its README.md to build it)\n", name.c_str(),
                dir.c_str());
    return 0;
  }
  try {
    return sr::host::RunHost(*command_line);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
}
