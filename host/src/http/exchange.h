#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "http/request_head.h"
#include "http/router.h"
#include "util/time.h"
#include "util/unique_fd.h"

namespace sr::host {

class Mailbox;

// The body of a response.
struct ResponseBody {
  enum class Kind { kNone, kBytes, kShared, kFile };
  Kind kind = Kind::kNone;
  std::string bytes;
  std::shared_ptr<const void> shared_owner;  // releases a plugin's shared body
  const char* shared_data = nullptr;
  size_t shared_size = 0;
  UniqueFd file;
  std::uint64_t file_offset = 0;
  std::uint64_t file_length = 0;

  std::uint64_t size() const {
    switch (kind) {
      case Kind::kNone:
        return 0;
      case Kind::kBytes:
        return bytes.size();
      case Kind::kShared:
        return shared_size;
      case Kind::kFile:
        return file_length;
    }
    return 0;
  }
};

// What a guard or handler has put into the response so far.
struct ResponseState {
  int status = 200;
  std::vector<HeaderField> headers;
  std::string content_type;
  ResponseBody body;
  std::string error_message;  // for the error log
  bool touched = false;       // anything set at all
};

// One request and its response, from the parsed head to the last byte queued. Owned by its
// connection; a deferred exchange also owns itself until completed, so that a plugin's
// handles stay valid even if the client disconnects first.
class Exchange : public std::enable_shared_from_this<Exchange> {
 public:
  enum class Phase { kGuarding, kHandling, kDeferred, kCompleted, kStreaming };

  Exchange();
  Exchange(const Exchange&) = delete;
  Exchange& operator=(const Exchange&) = delete;

  // ---- request ----
  RequestHead head;
  std::string body;
  std::string client_ip;
  bool secure = false;
  SteadyClock::time_point started_at;       // the head began arriving (duration metric)
  std::shared_ptr<const RouteTable> table;  // keeps `route` alive
  const Route* route = nullptr;
  std::vector<std::pair<std::string, std::string>> path_params;
  std::vector<std::pair<std::string, std::string>> query_params;  // decoded
  std::vector<std::pair<std::string, std::string>> cookies;
  std::vector<std::pair<std::string, std::string>> attributes;

  // ---- response ----
  ResponseState response;

  // ---- plumbing ----
  std::weak_ptr<Mailbox> mailbox;  // the connection's I/O thread
  std::uint64_t connection_id = 0;
  std::atomic<Phase> phase{Phase::kGuarding};
  std::shared_ptr<Exchange> self;  // set while deferred

  // Parses the query string and cookies once, before plugin code reads them.
  void PrepareRequestViews();
  // Moves response state out (guards that lost to a later alternative) and resets it.
  ResponseState TakeResponse();
};

}  // namespace sr::host
