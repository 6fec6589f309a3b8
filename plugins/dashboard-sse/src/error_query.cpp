#include "error_query.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include <sr/rfc3339.hpp>

#include "json_writer.h"

namespace sr::dashboard {

namespace {

constexpr std::size_t kMaxPathFilterBytes = 256;

template <typename T>
std::optional<T> ParseNumber(std::string_view text) {
  T value{};
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) {
    return std::nullopt;
  }
  return value;
}

char Lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

bool ContainsIgnoringCase(std::string_view haystack, std::string_view needle) {
  if (needle.empty()) return true;
  auto it = std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(),
                        [](char a, char b) { return Lower(a) == Lower(b); });
  return it != haystack.end();
}

void WriteRecord(JsonWriter& writer, const ErrorRecord& record) {
  writer.StartObject();
  WriteUint(writer, "sequence", record.sequence);
  WriteString(writer, "timestamp", sr::Rfc3339Millis(record.timestamp_ms));
  WriteInt(writer, "timestamp_ms", record.timestamp_ms);
  WriteInt(writer, "status", record.status);
  WriteString(writer, "method", record.method);
  WriteString(writer, "path", record.path);
  WriteString(writer, "message", record.message);
  WriteString(writer, "client_ip", record.client_ip);
  writer.EndObject();
}

// Everything but unreserved characters (RFC 3986 §2.3) is escaped, so the filter cannot end
// the URI reference or the header early.
std::string PercentEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string encoded;
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (alnum || c == '-' || c == '.' || c == '_' || c == '~') {
      encoded += c;
    } else {
      encoded += '%';
      encoded += kHex[byte >> 4];
      encoded += kHex[byte & 0x0f];
    }
  }
  return encoded;
}

}  // namespace

bool ErrorQuery::Matches(const ErrorRecord& record) const {
  if (before && record.sequence >= *before) return false;
  if (status && record.status != *status) return false;
  if (status_class && record.status / 100 != *status_class) return false;
  return ContainsIgnoringCase(record.path, path_contains);
}

ErrorQueryParse ParseErrorQuery(const QueryParamFn& param) {
  ErrorQuery query;
  if (auto limit = param("limit")) {
    auto value = ParseNumber<std::size_t>(*limit);
    if (!value || *value < 1 || *value > ErrorQuery::kMaxLimit) {
      return {std::nullopt, "limit must be a number from 1 to 1000"};
    }
    query.limit = *value;
  }
  if (auto status = param("status"); status && !status->empty()) {
    if (status->size() == 3 && (*status)[0] >= '1' && (*status)[0] <= '5' &&
        Lower((*status)[1]) == 'x' && Lower((*status)[2]) == 'x') {
      query.status_class = (*status)[0] - '0';
    } else if (auto value = ParseNumber<int>(*status); value && *value >= 100 && *value <= 599) {
      query.status = *value;
    } else {
      return {std::nullopt, "status must be a status code (404) or a class (4xx)"};
    }
  }
  if (auto path = param("path")) {
    if (path->size() > kMaxPathFilterBytes) {
      return {std::nullopt, "path filter is longer than 256 bytes"};
    }
    query.path_contains = std::string(*path);
  }
  if (auto before = param("before"); before && !before->empty()) {
    auto value = ParseNumber<std::uint64_t>(*before);
    if (!value) return {std::nullopt, "before must be an error sequence number"};
    query.before = *value;
  }
  return {query, ""};
}

ErrorPage ErrorListPage(const std::vector<ErrorRecord>& newest_first, const ErrorQuery& query) {
  JsonBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartArray();
  std::size_t written = 0;
  std::optional<std::uint64_t> next_before;
  std::uint64_t last_sequence = 0;
  for (const ErrorRecord& record : newest_first) {
    if (!query.Matches(record)) continue;
    if (written == query.limit) {
      next_before = last_sequence;
      break;
    }
    WriteRecord(writer, record);
    last_sequence = record.sequence;
    ++written;
  }
  writer.EndArray();
  return {std::string(buffer.GetString(), buffer.GetSize()), next_before};
}

std::string NextPageLink(const ErrorQuery& query, std::uint64_t next_before) {
  std::string target =
      "/api/errors?before=" + std::to_string(next_before) + "&limit=" + std::to_string(query.limit);
  if (query.status) target += "&status=" + std::to_string(*query.status);
  if (query.status_class) target += "&status=" + std::to_string(*query.status_class) + "xx";
  if (!query.path_contains.empty()) target += "&path=" + PercentEncode(query.path_contains);
  return "<" + target + ">; rel=\"next\"";
}

}  // namespace sr::dashboard
