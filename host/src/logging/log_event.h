#pragma once

#include <spdlog/common.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace sr::host {

// One structured value of a log record: `"fields": {"port": 8081, ...}` in JSON logs. Text
// logs are for people and show the message only, so a message says what matters in words.
struct LogField {
  std::string key;
  std::variant<std::string, std::int64_t, bool> value;
};
using LogFields = std::vector<LogField>;

// Logs `message` on behalf of `plugin` (empty: the host itself) with `fields`. Text logs read
// "[plugin] message"; JSON logs get each part as its own member.
void LogEvent(spdlog::level::level_enum level, std::string_view plugin, std::string_view message,
              const LogFields& fields = {});

// What the JSON formatter needs of the LogEvent call being formatted on this thread (spdlog's
// default logger formats synchronously, in the caller's thread); null outside LogEvent.
struct LogEventParts {
  std::string_view plugin;
  std::string_view message;
  const LogFields* fields;
};
const LogEventParts* CurrentLogEvent();

}  // namespace sr::host
