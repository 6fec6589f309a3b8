#include "logging/log_event.h"

#include <spdlog/spdlog.h>

namespace sr::host {

namespace {

thread_local const LogEventParts* current_event = nullptr;

}  // namespace

const LogEventParts* CurrentLogEvent() { return current_event; }

void LogEvent(spdlog::level::level_enum level, std::string_view plugin, std::string_view message,
              const LogFields& fields) {
  if (!spdlog::should_log(level)) return;
  std::string text;
  if (!plugin.empty()) {
    text += '[';
    text += plugin;
    text += "] ";
  }
  text += message;
  LogEventParts parts{plugin, message, &fields};
  current_event = &parts;
  spdlog::log(level, "{}", text);
  current_event = nullptr;
}

}  // namespace sr::host
