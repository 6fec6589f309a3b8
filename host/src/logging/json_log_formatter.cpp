#include "logging/json_log_formatter.h"

#include <time.h>

#include <chrono>
#include <ctime>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>

#include <sr/text.hpp>

#include "logging/log_event.h"

namespace sr::host {

namespace {

std::string_view LevelName(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::trace:
      return "trace";
    case spdlog::level::debug:
      return "debug";
    case spdlog::level::info:
      return "info";
    case spdlog::level::warn:
      return "warn";
    case spdlog::level::err:
      return "error";
    default:
      return "critical";
  }
}

std::string UtcTime(std::chrono::system_clock::time_point time) {
  auto since_epoch = time.time_since_epoch();
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(since_epoch);
  auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch - seconds);
  time_t whole = static_cast<time_t>(seconds.count());
  tm parts{};
  gmtime_r(&whole, &parts);
  char text[40];
  std::size_t length = std::strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%S", &parts);
  auto ms = static_cast<unsigned>(millis.count());  // 0..999
  std::string out(text, length);
  out += '.';
  out += static_cast<char>('0' + ms / 100);
  out += static_cast<char>('0' + ms / 10 % 10);
  out += static_cast<char>('0' + ms % 10);
  out += 'Z';
  return out;
}

bool IsPluginId(std::string_view id) {
  if (id.empty() || id.size() > 64 || id.front() == '-' || id.back() == '-') return false;
  for (char c : id) {
    bool allowed = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    if (!allowed) return false;
  }
  return true;
}

// "[auth] message" -> ("auth", "message"); anything else is the host's.
std::pair<std::string_view, std::string_view> SplitPluginPrefix(std::string_view payload) {
  if (payload.size() > 3 && payload.front() == '[') {
    std::size_t close = payload.find("] ");
    if (close != std::string_view::npos && IsPluginId(payload.substr(1, close - 1))) {
      return {payload.substr(1, close - 1), payload.substr(close + 2)};
    }
  }
  return {"host", payload};
}

void AppendFields(std::string& out, const LogFields* fields) {
  out += '{';
  if (fields != nullptr) {
    bool first = true;
    for (const LogField& field : *fields) {
      if (!first) out += ',';
      first = false;
      sr::AppendJsonString(out, field.key);
      out += ':';
      if (const auto* text = std::get_if<std::string>(&field.value)) {
        sr::AppendJsonString(out, *text);
      } else if (const auto* number = std::get_if<std::int64_t>(&field.value)) {
        out += std::to_string(*number);
      } else {
        out += std::get<bool>(field.value) ? "true" : "false";
      }
    }
  }
  out += '}';
}

}  // namespace

void JsonLogFormatter::format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) {
  std::string_view payload(msg.payload.data(), msg.payload.size());
  std::string_view plugin;
  std::string_view message;
  const LogFields* fields = nullptr;
  if (const LogEventParts* event = CurrentLogEvent()) {
    plugin = event->plugin.empty() ? std::string_view("host") : event->plugin;
    message = event->message;
    fields = event->fields;
  } else {
    std::tie(plugin, message) = SplitPluginPrefix(payload);
  }
  std::string line;
  line.reserve(payload.size() + 96);
  line += "{\"time\":\"";
  line += UtcTime(msg.time);
  line += "\",\"level\":\"";
  line += LevelName(msg.level);
  line += "\",\"plugin\":";
  sr::AppendJsonString(line, plugin);
  line += ",\"message\":";
  sr::AppendJsonString(line, message);
  line += ",\"fields\":";
  AppendFields(line, fields);
  line += "}\n";
  dest.append(line.data(), line.data() + line.size());
}

std::unique_ptr<spdlog::formatter> JsonLogFormatter::clone() const {
  return std::make_unique<JsonLogFormatter>();
}

}  // namespace sr::host
