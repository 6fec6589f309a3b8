#include "change_feed.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <stdexcept>
#include <tuple>
#include <vector>

namespace sr::postgres_store {
namespace {

constexpr const char* kChangesSql =
    "SELECT key, value, rev, origin = $3 FROM sr_kv WHERE ns = $1 AND rev > $2 "
    "ORDER BY rev LIMIT 500";
constexpr int kPageRows = 500;

}  // namespace

ChangeFeed::ChangeFeed(const StoreOptions& options, StoreHealth& health)
    : slot_(options.conninfo, health),
      origin_(options.host_name),
      resync_interval_(options.resync_interval),
      wake_fd_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
  if (wake_fd_ < 0) throw std::runtime_error("eventfd failed");
  thread_ = std::thread([this] { Run(); });
}

ChangeFeed::~ChangeFeed() {
  Stop();
  ::close(wake_fd_);
}

std::uint64_t ChangeFeed::Watch(std::string ns, std::int64_t after_rev, KvChangeVisitor visitor) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::uint64_t handle = next_handle_++;
  watchers_.emplace(handle, Watcher{std::move(ns), after_rev,
                                    std::make_shared<KvChangeVisitor>(std::move(visitor))});
  return handle;
}

void ChangeFeed::Unwatch(std::uint64_t handle) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    watchers_.erase(handle);
  }
  // A delivery that began before the erase holds dispatch_mutex_; once we have it, no call
  // of this watch runs, and none will (delivery checks the map under dispatch_mutex_).
  std::lock_guard<std::mutex> wait_for_call(dispatch_mutex_);
}

void ChangeFeed::Stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  std::uint64_t one = 1;
  if (::write(wake_fd_, &one, sizeof(one)) < 0) {
    // The counter is already non-zero: the thread wakes anyway.
  }
  if (thread_.joinable()) thread_.join();
}

void ChangeFeed::Run() {
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (stopping_) return;
    }
    PgConnection* conn = nullptr;
    try {
      bool fresh = false;
      conn = &slot_.Connect(fresh);
      if (fresh) conn->Exec("LISTEN sr_kv");
      Sync(*conn);
    } catch (const PgError& e) {
      if (e.connection_lost()) slot_.Drop();
      conn = nullptr;
    }
    Wait(conn, resync_interval_);
  }
}

void ChangeFeed::Wait(PgConnection* conn, std::chrono::milliseconds timeout) {
  pollfd fds[2] = {{wake_fd_, POLLIN, 0}, {-1, POLLIN, 0}};
  if (conn != nullptr) fds[1].fd = PQsocket(conn->raw());
  int ready = ::poll(fds, fds[1].fd >= 0 ? 2 : 1, static_cast<int>(timeout.count()));
  if (ready <= 0 || conn == nullptr || (fds[1].revents & (POLLIN | POLLERR | POLLHUP)) == 0) return;
  // Notifications only wake us; which namespaces they name does not matter (every watch is
  // synced), so they are read and freed.
  if (PQconsumeInput(conn->raw()) == 0) {
    slot_.Drop();
    return;
  }
  while (PGnotify* notify = PQnotifies(conn->raw())) PQfreemem(notify);
}

void ChangeFeed::Sync(PgConnection& conn) {
  std::vector<std::tuple<std::uint64_t, std::string, std::int64_t>> todo;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& [handle, watcher] : watchers_) {
      todo.emplace_back(handle, watcher.ns, watcher.last_rev);
    }
  }
  for (const auto& [handle, ns, after] : todo) SyncOne(conn, handle, ns, after);
}

void ChangeFeed::SyncOne(PgConnection& conn, std::uint64_t handle, const std::string& ns,
                         std::int64_t after) {
  for (;;) {
    std::string after_bytes;
    PgResult rows = conn.Query(kChangesSql, {Text(ns), Int8(after, after_bytes), Text(origin_)});
    for (int row = 0; row < rows.rows(); ++row) {
      std::int64_t rev = rows.Int64(row, 2);
      bool own = rows.Bool(row, 3);
      std::lock_guard<std::mutex> dispatch(dispatch_mutex_);
      std::shared_ptr<KvChangeVisitor> visitor;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        auto it = watchers_.find(handle);
        if (it == watchers_.end()) return;  // unwatched meanwhile
        it->second.last_rev = rev;
        if (!own) visitor = it->second.visitor;
      }
      if (visitor) {
        bool deleted = rows.IsNull(row, 1);
        try {
          (*visitor)(rows.Bytes(row, 0), deleted ? std::string_view() : rows.Bytes(row, 1),
                     deleted);
        } catch (...) {  // one watcher's failure must not stop the others' changes
        }
      }
      after = rev;
    }
    if (rows.rows() < kPageRows) return;
  }
}

}  // namespace sr::postgres_store
