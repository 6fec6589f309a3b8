#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "kv_reader.h"
#include "sqlite_connection.h"
#include "store_options.h"

namespace sr::sqlite_store {

// A fixed set of read-only connections. In WAL mode readers never wait for the writer.
class ReaderPool {
 public:
  ReaderPool(const StoreOptions& options);
  ReaderPool(const ReaderPool&) = delete;
  ReaderPool& operator=(const ReaderPool&) = delete;

  // A connection borrowed until the lease ends.
  class Lease {
   public:
    Lease(ReaderPool& pool, std::size_t index) : pool_(pool), index_(index) {}
    ~Lease() { pool_.Release(index_); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    KvReader& reader() { return *pool_.slots_[index_].reader; }

   private:
    ReaderPool& pool_;
    std::size_t index_;
  };

  // Waits for a free connection.
  Lease Acquire();

 private:
  struct Slot {
    std::unique_ptr<Connection> db;
    std::unique_ptr<KvReader> reader;
    bool busy = false;
  };
  void Release(std::size_t index);

  std::vector<Slot> slots_;
  std::mutex mutex_;
  std::condition_variable freed_;
};

// Applies the options shared by every connection (busy timeout, page cache).
void ConfigureConnection(Connection& db, const StoreOptions& options);

}  // namespace sr::sqlite_store
