#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "temp_dir.h"

namespace sr::test {

// A throw-away PostgreSQL server for tests: its own initdb in a temporary folder, listening on
// 127.0.0.1 on a free port (unix socket in the same folder), fsync off, with one database.
// Uses Debian's server binaries (/usr/lib/postgresql/<version>/bin, or `pg_config --bindir`).
// PostgreSQL refuses to run as root, so as root initdb and the server run as `postgres`.
// initdb runs once per machine (and PostgreSQL, and user) into a template under the temp
// folder, /tmp/sr-pg-template-*, that every server copies: it is most of the start-up time.
//
//   auto pg = sr::test::PgServer::Start();
//   if (!pg) GTEST_SKIP() << sr::test::PgServer::SkipReason();
//   Connect(pg->conninfo());
class PgServer {
 public:
  // nullopt when no PostgreSQL server is installed (SkipReason() says why). Throws
  // std::runtime_error with the server's log when it is installed but does not start.
  static std::optional<PgServer> Start();
  // Why Start() returns nullopt; empty when PostgreSQL is installed.
  static std::string SkipReason();

  PgServer(PgServer&& other) noexcept = default;
  // Stops this server first (as the destructor does), then takes over `other`'s.
  PgServer& operator=(PgServer&& other) noexcept;
  PgServer(const PgServer&) = delete;
  PgServer& operator=(const PgServer&) = delete;
  // Stops the server (immediately: nothing of it is kept) and removes the folder.
  ~PgServer();

  // postgresql://postgres@127.0.0.1:<port>/sr_test
  std::string conninfo() const;
  int port() const { return port_; }
  // Creates another database on this server and returns its conninfo: tests sharing one
  // server (initdb takes seconds) each get an empty database.
  std::string NewDatabase();
  // The folder holding the unix socket (a libpq `host=` value).
  std::string socket_dir() const { return dir_->path().string(); }

  // Stops the server (fast shutdown: clients are disconnected). Idempotent.
  void Stop();
  // Starts it again on the same port over the same data.
  void Restart();

 private:
  PgServer(std::string bin_dir, std::unique_ptr<TempDir> dir, int port);

  // Runs `args` (the first is a binary in bin_dir_), as `postgres` when we are root; throws
  // with its output (and the server's log) when it fails.
  void RunTool(std::vector<std::string> args) const;
  // The same for any program on the PATH.
  void Run(std::vector<std::string> args) const;
  void StartServer();
  // Stops the server at once, if this object owns a running one.
  void Shutdown() noexcept;

  std::string bin_dir_;
  std::unique_ptr<TempDir> dir_;  // null in a moved-from object, which owns nothing
  int port_ = 0;
  bool running_ = false;
  int databases_ = 0;  // NewDatabase() names: sr_test_1, sr_test_2, ...
};

}  // namespace sr::test
