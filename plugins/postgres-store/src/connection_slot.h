#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "pg_connection.h"
#include "store_health.h"

namespace sr::postgres_store {

// Reconnection delays: 100 ms doubling to 5 s, back to 100 ms after a success.
class Backoff {
 public:
  std::chrono::milliseconds Next();
  void Reset() { delay_ = kFirst; }

  static constexpr std::chrono::milliseconds kFirst{100};
  static constexpr std::chrono::milliseconds kMax{5000};

 private:
  std::chrono::milliseconds delay_ = kFirst;
};

// One connection that comes back after the database does. Used by one thread at a time (the
// owner serializes). While the database is down, Run fails at once with a lost-connection
// PgError until the backoff allows the next attempt: callers fail fast instead of hanging.
class ConnectionSlot {
 public:
  ConnectionSlot(std::string conninfo, StoreHealth& health) noexcept
      : conninfo_(std::move(conninfo)), health_(health) {}

  // Runs fn(PgConnection&). A connection found dead is replaced and fn runs once more on the
  // fresh one (after a database restart every pooled connection is stale; every statement
  // the store runs may be repeated: puts, tombstones and updates are idempotent).
  template <typename Fn>
  auto Run(Fn&& fn) {
    bool fresh = false;
    for (;;) {
      PgConnection& conn = Connect(fresh);
      try {
        return fn(conn);
      } catch (const PgError& e) {
        if (!e.connection_lost()) throw;
        Drop();
        if (fresh) {
          health_.Fail(e.what());
          throw;
        }
      }
    }
  }

  // The connection, opened if needed (fresh is set when it was). Throws PgError.
  PgConnection& Connect(bool& fresh);
  // Forgets a connection that was found dead. A stale connection alone does not mean the
  // database is down: the next Connect tells.
  void Drop() { conn_.reset(); }
  bool connected() const { return conn_ != nullptr && conn_->ok(); }

 private:
  std::string conninfo_;
  StoreHealth& health_;
  std::unique_ptr<PgConnection> conn_;
  Backoff backoff_;
  std::chrono::steady_clock::time_point next_attempt_{};
};

}  // namespace sr::postgres_store
