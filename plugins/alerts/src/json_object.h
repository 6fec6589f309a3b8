// A tiny writer of one JSON object, for alert details and the API's answers.
#pragma once

#include <sr/text.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sr::alerts {

class JsonObject {
 public:
  JsonObject& Str(std::string_view key, std::string_view value) {
    Key(key);
    sr::AppendJsonString(out_, value);
    return *this;
  }
  JsonObject& Int(std::string_view key, std::int64_t value) {
    Key(key);
    out_ += std::to_string(value);
    return *this;
  }
  JsonObject& Uint(std::string_view key, std::uint64_t value) {
    Key(key);
    out_ += std::to_string(value);
    return *this;
  }
  JsonObject& Bool(std::string_view key, bool value) {
    Key(key);
    out_ += value ? "true" : "false";
    return *this;
  }
  // `json` must be a valid JSON value.
  JsonObject& Raw(std::string_view key, std::string_view json) {
    Key(key);
    out_ += json;
    return *this;
  }
  std::string Done() {
    out_ += '}';
    return std::move(out_);
  }

 private:
  void Key(std::string_view key) {
    if (out_.size() > 1) out_ += ',';
    sr::AppendJsonString(out_, key);
    out_ += ':';
  }
  std::string out_ = "{";
};

// Joins JSON values into an array.
inline std::string JsonArray(const std::vector<std::string>& values) {
  std::string out = "[";
  for (const std::string& value : values) {
    if (out.size() > 1) out += ',';
    out += value;
  }
  return out + "]";
}

}  // namespace sr::alerts
