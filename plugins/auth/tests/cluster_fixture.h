// Several masters over one in-memory cluster store (sr::testing::FakeClusterKv): each master
// has its own kv-store client and AuthCore, following the others' changes the way the plugin
// does (AuthCore::FollowOtherMasters). Changes arrive when the test calls Sync(), unless the
// master was made with Delivery::kThread.
#pragma once

#include <sr/testing/fake_cluster_kv.hpp>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core_fixture.h"
#include "json.h"
#include "kv_store_client.h"

namespace sr::auth::testing {

struct Announcement {
  std::string session;
  std::string user;
  std::string reason;
};

class ClusterMaster {
 public:
  using Delivery = sr::testing::FakeClusterKv::Delivery;

  ClusterMaster(sr::testing::FakeClusterDatabase& database, std::string name, ManualClock& clock,
                Delivery delivery = Delivery::kManual)
      : kv_(database, std::move(name), delivery),
        store_(kv_.v1()),
        core_(store_, FastSettings(), clock.Fn(), [](std::string_view) {}) {
    core_.SetPublisher([this](std::string_view, std::string_view payload) {
      auto document = ParseJsonObject(payload);
      if (!document) return;
      std::lock_guard lock(mutex_);
      announced_.push_back({std::string(StringMember(*document, "session").value_or("")),
                            std::string(StringMember(*document, "user").value_or("")),
                            std::string(StringMember(*document, "reason").value_or(""))});
    });
    watches_ = core_.FollowOtherMasters();
    core_.Load();
  }
  ~ClusterMaster() { watches_.clear(); }  // before the core the watches call into

  AuthCore& core() { return core_; }
  KvStoreClient& store() { return store_; }
  void Sync() { kv_.Sync(); }
  // How many single keys this master read from the database (its read-throughs).
  std::uint64_t gets() const { return kv_.gets(); }
  std::uint64_t scans() const { return kv_.scans(); }  // its scans of a whole namespace
  std::vector<Announcement> announced() {
    std::lock_guard lock(mutex_);
    return announced_;
  }

 private:
  sr::testing::FakeClusterKv kv_;
  KvStoreClient store_;
  AuthCore core_;
  std::mutex mutex_;
  std::vector<Announcement> announced_;
  std::vector<std::unique_ptr<StoreWatch>> watches_;
};

}  // namespace sr::auth::testing
