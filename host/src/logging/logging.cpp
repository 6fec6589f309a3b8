#include "logging/logging.h"

#include <spdlog/spdlog.h>

#include "logging/json_log_formatter.h"

namespace sr::host {

void ConfigureLogging(const std::string& level, LogFormat format) {
  if (format == LogFormat::kJson) {
    spdlog::set_formatter(std::make_unique<JsonLogFormatter>());
  } else {
    spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%-5l%$ %v");
  }
  spdlog::set_level(spdlog::level::from_str(level));
  spdlog::flush_on(spdlog::level::info);
}

}  // namespace sr::host
