#pragma once

#include <string>

namespace sr::host {

enum class LogFormat {
  kText,  // "2026-01-02T03:04:05.678 info  [plugin] message" (the default)
  kJson   // one JSON object per line (see json_log_formatter.h)
};

// Sets the default logger's level (debug, info, warn, error) and line format. Lines go to
// stdout (under systemd, to the journal), flushed from info up.
void ConfigureLogging(const std::string& level, LogFormat format);

}  // namespace sr::host
