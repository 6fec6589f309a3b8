#include "reader_pool.h"

#include <sqlite3.h>

#include <algorithm>

namespace sr::sqlite_store {

void ConfigureConnection(Connection& db, const StoreOptions& options) {
  sqlite3_busy_timeout(db.get(), static_cast<int>(options.busy_timeout.count()));
  // A negative cache_size is in KiB.
  db.Exec("PRAGMA cache_size = -" +
          std::to_string(std::max<std::int64_t>(options.cache_bytes / 1024, 64)));
}

ReaderPool::ReaderPool(const StoreOptions& options) {
  slots_.resize(static_cast<std::size_t>(std::max(options.read_connections, 1)));
  for (Slot& slot : slots_) {
    slot.db = std::make_unique<Connection>(options.path);
    ConfigureConnection(*slot.db, options);
    slot.db->Exec("PRAGMA query_only = 1");
    slot.reader = std::make_unique<KvReader>(*slot.db);
  }
}

ReaderPool::Lease ReaderPool::Acquire() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    for (std::size_t i = 0; i < slots_.size(); ++i) {
      if (!slots_[i].busy) {
        slots_[i].busy = true;
        return Lease(*this, i);
      }
    }
    freed_.wait(lock);
  }
}

void ReaderPool::Release(std::size_t index) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    slots_[index].busy = false;
  }
  freed_.notify_one();
}

}  // namespace sr::sqlite_store
