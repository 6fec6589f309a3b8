#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

#include "connection_slot.h"

namespace sr::postgres_store {

// Connections for reads and sequence draws, each used by one caller at a time; a caller
// waits for a free one. Connections open on first use and after the database comes back.
class ReaderPool {
 public:
  ReaderPool(const std::string& conninfo, int size, StoreHealth& health);
  ReaderPool(const ReaderPool&) = delete;
  ReaderPool& operator=(const ReaderPool&) = delete;

  // Runs fn(PgConnection&) on a free connection (see ConnectionSlot::Run). Throws PgError.
  template <typename Fn>
  auto With(Fn&& fn) {
    Lease lease(*this);
    return lease.slot->Run(std::forward<Fn>(fn));
  }

 private:
  struct Lease {
    explicit Lease(ReaderPool& pool);
    ~Lease();
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ReaderPool& pool;
    ConnectionSlot* slot;
  };

  std::vector<std::unique_ptr<ConnectionSlot>> slots_;
  std::mutex mutex_;
  std::condition_variable released_;
  std::vector<ConnectionSlot*> free_;
};

}  // namespace sr::postgres_store
