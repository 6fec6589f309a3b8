#include "app/host_app.h"

#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>

#include "app/data_folder.h"
#include "app/host_routes.h"
#include "config/config_error.h"
#include "config/env.h"
#include "config/host_config.h"
#include "http/http_server.h"
#include "http/socket_channel.h"
#include "logging/log_event.h"
#include "logging/logging.h"
#include "plugins/host_runtime.h"
#include "plugins/plugin_manager.h"

namespace sr::host {

namespace {

constexpr int kExitStartFailure = 1;
constexpr int kExitConfigError = 2;

sigset_t ShutdownSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  return signals;
}

void RaiseFileLimit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);
  }
}

void PrintCheck(const HostRuntime& runtime, const PluginManager& plugins) {
  std::cout << "configuration: " << runtime.config.file.string() << " is valid\n";
  std::cout << "plugins (in start order):\n";
  for (const auto& context : plugins.plugins()) {
    std::cout << "  " << context->id() << " " << context->plugin.version << "  "
              << context->plugin.path.string() << "\n";
  }
  std::cout << "routes:\n";
  for (const Route* route : runtime.core.routes()->All()) {
    std::string owner = route->owner_id.empty() ? "host" : route->owner_id;
    std::printf("  %-7s %-44s guard=%-28s %s\n", route->method.c_str(), route->pattern.c_str(),
                route->guard.text.c_str(), owner.c_str());
  }
  std::cout.flush();
}

void WriteReadyFile(const std::string& path, std::uint16_t port) {
  if (path.empty()) return;
  std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary);
    out << "{\"port\":" << port << ",\"pid\":" << ::getpid() << "}\n";
  }
  std::rename(temporary.c_str(), path.c_str());
}

}  // namespace

int RunHost(const CommandLine& command_line) {
  // Signals are taken synchronously by the main thread only: block them before any thread
  // starts so that every thread inherits the mask.
  sigset_t shutdown_signals = ShutdownSignals();
  pthread_sigmask(SIG_BLOCK, &shutdown_signals, nullptr);
  ::signal(SIGPIPE, SIG_IGN);
  RaiseFileLimit();
  ConfigureLogging("info", LogFormat::kText);

  HostConfig config;
  try {
    LoadDotEnv(".env");
    config = LoadHostConfig(command_line.config_path, ProcessEnvironment());
  } catch (const ConfigError& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return kExitConfigError;
  }
  ConfigureLogging(config.server.log_level, config.server.log_format);

  HostRuntime runtime(std::move(config));
  runtime.scheduler.Pause();
  PluginManager plugins(runtime);
  HttpServer server(runtime.core);
  auto fail = [&](const std::string& message, int status) {
    std::fprintf(stderr, "error: %s\n", message.c_str());
    plugins.StopAll();
    plugins.DestroyAll();
    return status;
  };
  // Before any plugin opens its files there (--check leaves existing folders alone).
  if (!command_line.check) PrepareDataFolder(runtime.config.server.data_dir);
  const ServerConfig& server_config = runtime.config.server;
  // Bound before the plugins initialize, so that server_endpoint (ABI 1.4) tells them the
  // actual port even with `port: 0`; nothing is served until every plugin has started.
  if (command_line.check) {
    runtime.endpoint = EndpointText(server_config.bind, static_cast<std::uint16_t>(server_config.port));
  } else {
    try {
      server.Bind(server_config.bind, server_config.port, server_config.io_threads);
    } catch (const std::exception& e) {
      return fail(e.what(), kExitStartFailure);
    }
    runtime.endpoint = EndpointText(server_config.bind, server.port());
  }
  try {
    RegisterHostRoutes(runtime.core, runtime.health);
    plugins.LoadAndInit();
  } catch (const ConfigError& e) {
    return fail(e.what(), kExitConfigError);
  }
  if (command_line.check) {
    PrintCheck(runtime, plugins);
    plugins.DestroyAll();
    return 0;
  }
  try {
    if (server_config.tls.enabled()) {
      runtime.core.set_tls(std::make_shared<const TlsContext>(server_config.tls.cert_path,
                                                              server_config.tls.key_path));
    }
    plugins.StartAll();
    server.Serve();
  } catch (const std::exception& e) {
    return fail(e.what(), kExitStartFailure);
  }
  runtime.scheduler.Resume();
  std::string scheme = runtime.core.tls() != nullptr ? "https" : "http";
  LogEvent(spdlog::level::info, {},
           fmt::format("spawner-master {} listening on {}://{}:{} with {} plugin(s)", HostVersion(),
                       scheme, runtime.config.server.bind, server.port(), plugins.plugins().size()),
           {{"version", std::string(HostVersion())},
            {"scheme", scheme},
            {"bind", runtime.config.server.bind},
            {"port", std::int64_t{server.port()}},
            {"plugins", static_cast<std::int64_t>(plugins.plugins().size())},
            {"pid", std::int64_t{::getpid()}}});
  WriteReadyFile(command_line.ready_file, server.port());

  int received = 0;
  sigwait(&shutdown_signals, &received);
  std::string signal_name = received == SIGINT ? "SIGINT" : "SIGTERM";
  LogEvent(spdlog::level::info, {},
           fmt::format("{} received: draining (deadline {} ms)", signal_name,
                       runtime.config.server.shutdown_deadline_ms),
           {{"signal", signal_name}, {"deadline_ms", runtime.config.server.shutdown_deadline_ms}});
  server.BeginDrain();
  if (!server.WaitForInFlight(runtime.config.server.shutdown_deadline_ms)) {
    spdlog::warn("shutdown deadline passed with {} request(s) in flight",
                 runtime.stats.in_flight());
  }
  server.EndStreams();
  server.Stop();
  plugins.StopAll();
  plugins.DestroyAll();
  runtime.events.Shutdown();
  runtime.scheduler.Shutdown();
  spdlog::info("stopped cleanly");
  return 0;
}

}  // namespace sr::host
