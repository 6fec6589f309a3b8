// What the postgres-store tests share: a throw-away PostgreSQL per test (skipped when none is
// installed) and store instances ("masters") over it, reached through the service's vtable
// and the sr::KvStore client, as other plugins reach them.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <optional>
#include <sr/services/kv_store.hpp>
#include <string>

#include "eventually.h"
#include "kv_store.h"
#include "kv_store_service.h"
#include "pg_server.h"

namespace sr::postgres_store::test {

// One master's store: the store, its service table and a client over it.
struct Master {
  explicit Master(StoreOptions options)
      : store(std::make_unique<KvStore>(std::move(options))),
        service(std::make_unique<KvStoreService>(*store)),
        client(std::make_unique<sr::KvStore>(
            *reinterpret_cast<const sr_kv_store_v1*>(service->vtable()))) {}
  const sr_kv_store_v2& vtable() const { return *service->vtable(); }

  std::unique_ptr<KvStore> store;
  std::unique_ptr<KvStoreService> service;
  std::unique_ptr<sr::KvStore> client;
};

class PgStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    pg_ = sr::test::PgServer::Start();
    if (!pg_) GTEST_SKIP() << sr::test::PgServer::SkipReason();
  }

  StoreOptions Options(const std::string& host_name) const {
    StoreOptions options;
    options.conninfo = pg_->conninfo();
    options.host_name = host_name;
    options.address = "127.0.0.1:0";
    options.version = "test";
    options.readers = 2;
    options.resync_interval = std::chrono::milliseconds(100);
    options.heartbeat_interval = std::chrono::milliseconds(100);
    return options;
  }
  std::unique_ptr<Master> NewMaster(const std::string& host_name) const {
    return std::make_unique<Master>(Options(host_name));
  }

  std::optional<sr::test::PgServer> pg_;
};

using sr::test::Eventually;

}  // namespace sr::postgres_store::test
