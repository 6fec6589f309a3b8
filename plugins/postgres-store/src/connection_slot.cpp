#include "connection_slot.h"

#include <algorithm>

namespace sr::postgres_store {
namespace {
// Connecting to a database that does not answer must not hold a writer for long.
constexpr std::chrono::seconds kConnectTimeout{3};
}  // namespace

std::chrono::milliseconds Backoff::Next() {
  std::chrono::milliseconds delay = delay_;
  delay_ = std::min(delay_ * 2, kMax);
  return delay;
}

PgConnection& ConnectionSlot::Connect(bool& fresh) {
  fresh = false;
  if (conn_ != nullptr && conn_->ok()) return *conn_;
  conn_.reset();
  auto now = std::chrono::steady_clock::now();
  if (now < next_attempt_) {
    throw PgError(health_.last_error(), "", true);
  }
  try {
    conn_ = std::make_unique<PgConnection>(conninfo_, kConnectTimeout);
  } catch (const PgError& e) {
    next_attempt_ = std::chrono::steady_clock::now() + backoff_.Next();
    health_.Fail(e.what());
    throw;
  }
  backoff_.Reset();
  fresh = true;
  return *conn_;
}

}  // namespace sr::postgres_store
