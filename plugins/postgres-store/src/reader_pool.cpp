#include "reader_pool.h"

namespace sr::postgres_store {

ReaderPool::ReaderPool(const std::string& conninfo, int size, StoreHealth& health) {
  for (int i = 0; i < size; ++i) {
    slots_.push_back(std::make_unique<ConnectionSlot>(conninfo, health));
    free_.push_back(slots_.back().get());
  }
}

ReaderPool::Lease::Lease(ReaderPool& pool_in) : pool(pool_in) {
  std::unique_lock<std::mutex> lock(pool.mutex_);
  pool.released_.wait(lock, [this] { return !pool.free_.empty(); });
  slot = pool.free_.back();
  pool.free_.pop_back();
}

ReaderPool::Lease::~Lease() {
  {
    std::lock_guard<std::mutex> lock(pool.mutex_);
    pool.free_.push_back(slot);
  }
  pool.released_.notify_one();
}

}  // namespace sr::postgres_store
