#pragma once

#include <spdlog/formatter.h>

#include <memory>

namespace sr::host {

// server.log_format: json. One JSON object per line, for Loki, Elasticsearch and the like:
//   {"time":"2026-01-02T03:04:05.678Z","level":"info","plugin":"auth","message":"...",
//    "fields":{"port":8081}}
// time is UTC with milliseconds; level is debug, info, warn, error or critical; plugin is the
// plugin the line is about, "host" for the host's own lines. Records from LogEvent carry their
// fields; other lines have "fields":{} and, when they start "[<plugin id>] " (the host's
// convention for lines about a plugin, which the plugins' own log calls follow), that id as
// plugin. Strings are escaped (control characters, invalid UTF-8 as U+FFFD), so a message
// never breaks the one-object-per-line framing.
class JsonLogFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override;
  std::unique_ptr<spdlog::formatter> clone() const override;
};

}  // namespace sr::host
