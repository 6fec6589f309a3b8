#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sr::dashboard {

// One entry of the host's error log (a copy of sr_error_entry without ABI types).
struct ErrorRecord {
  std::uint64_t sequence = 0;
  int status = 0;
  std::int64_t timestamp_ms = 0;
  std::string method;
  std::string path;
  std::string message;
  std::string client_ip;
};

// GET /api/errors?limit=&status=&path=&before=
struct ErrorQuery {
  static constexpr std::size_t kDefaultLimit = 100;
  static constexpr std::size_t kMaxLimit = 1000;

  std::size_t limit = kDefaultLimit;
  std::optional<int> status;            // "404": that status only
  std::optional<int> status_class;      // "4xx": 4
  std::string path_contains;            // case-insensitive substring of the path
  std::optional<std::uint64_t> before;  // entries with a smaller sequence (the next page)

  bool Matches(const ErrorRecord& record) const;
};

struct ErrorQueryParse {
  std::optional<ErrorQuery> query;
  std::string error;  // why the parameters were refused (for a 400)
};

using QueryParamFn = std::function<std::optional<std::string_view>(std::string_view name)>;
ErrorQueryParse ParseErrorQuery(const QueryParamFn& param);

// One page of GET /api/errors. The body is a JSON array, newest first, as the original master
// answered, so scripts written for it keep working: [{sequence, timestamp, timestamp_ms,
// status, method, path, message, client_ip}]. next_before is set when more entries match;
// it is what `before` is for the next page (it goes into the Link header, not the body).
struct ErrorPage {
  std::string json;
  std::optional<std::uint64_t> next_before;
};
ErrorPage ErrorListPage(const std::vector<ErrorRecord>& newest_first, const ErrorQuery& query);

// The Link header value for the next page: </api/errors?before=N&limit=M>; rel="next", with
// the query's status and path filters after them so that the next page is filtered alike.
std::string NextPageLink(const ErrorQuery& query, std::uint64_t next_before);

// 2026-11-25T21:01:11.123Z

}  // namespace sr::dashboard
