// InstanceStore over the kv-store service: namespace "game-instances", one row per instance
// under its id ("i-<n>", the instance object as JSON) and the row "next_id" (the next n).
#pragma once

#include <sr/services/kv_store.hpp>

#include "journal.h"

namespace sr::game_instances {

class KvInstanceStore final : public InstanceStore {
 public:
  explicit KvInstanceStore(const sr_kv_store_v1& service);

  void Write(const std::vector<Instance>& put, const std::vector<Instance>& erase,
             std::uint64_t next_number, Done done) override;
  Loaded Load(const std::function<void(const std::string&)>& warn) override;

 private:
  sr::KvStore store_;
  sr_kv_namespace* rows_;
};

}  // namespace sr::game_instances
