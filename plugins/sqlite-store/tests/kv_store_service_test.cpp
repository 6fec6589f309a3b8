#include "kv_store_service.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>

#include "store_test_util.h"

namespace sr::sqlite_store {
namespace {

struct SqliteStoreServiceTest : ::testing::Test {
  KvStore store{testing::MemoryOptions()};
  KvStoreService service{store};
  const sr_kv_store_v1& api = *service.vtable();

  sr_kv_namespace* Open(std::string_view name) {
    sr_kv_namespace* ns = nullptr;
    EXPECT_EQ(api.open_namespace(api.self, sr_str{name.data(), name.size()}, &ns), SR_OK);
    return ns;
  }
};

sr_str S(std::string_view text) { return sr_str{text.data(), text.size()}; }

int32_t CollectValue(void* ctx, sr_str, sr_str value) {
  static_cast<std::string*>(ctx)->assign(value.data, value.size);
  return 1;
}

TEST_F(SqliteStoreServiceTest, DescribesItsSize) {
  EXPECT_EQ(api.struct_size, sizeof(sr_kv_store_v1));
}

TEST_F(SqliteStoreServiceTest, NamespaceNamesAreValidatedAndInterned) {
  sr_kv_namespace* out = nullptr;
  EXPECT_EQ(api.open_namespace(api.self, S(""), &out), SR_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(api.open_namespace(api.self, S("Upper"), &out), SR_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(api.open_namespace(api.self, S(std::string(65, 'a')), &out), SR_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(Open("spawners_v1-x"), Open("spawners_v1-x"));
}

TEST_F(SqliteStoreServiceTest, WritesAndReadsThroughTheVtable) {
  sr_kv_namespace* ns = Open("things");
  sr_kv_op ops[2] = {{SR_KV_PUT, 0, ns, S("a"), S("1")}, {SR_KV_PUT, 0, ns, S("b"), S("2")}};
  ASSERT_EQ(api.write(api.self, ops, 2), SR_OK);
  std::string value;
  ASSERT_EQ(api.get(api.self, ns, S("b"), &CollectValue, &value), SR_OK);
  EXPECT_EQ(value, "2");
  EXPECT_EQ(api.get(api.self, ns, S("zz"), &CollectValue, &value), SR_ERR_NOT_FOUND);
  uint64_t count = 0;
  ASSERT_EQ(api.count(api.self, ns, &count), SR_OK);
  EXPECT_EQ(count, 2u);
  EXPECT_EQ(api.healthy(api.self), 1);
}

TEST_F(SqliteStoreServiceTest, AsyncWriteReportsOnce) {
  sr_kv_namespace* ns = Open("things");
  sr_kv_op op{SR_KV_PUT, 0, ns, S("k"), S("v")};
  std::promise<sr_status> result;
  auto done = [](void* ctx, sr_status status, sr_str) {
    static_cast<std::promise<sr_status>*>(ctx)->set_value(status);
  };
  ASSERT_EQ(api.write_async(api.self, &op, 1, done, &result), SR_OK);
  EXPECT_EQ(result.get_future().get(), SR_OK);
}

TEST_F(SqliteStoreServiceTest, MalformedBatchesAreRefused) {
  sr_kv_op no_namespace{SR_KV_PUT, 0, nullptr, S("k"), S("v")};
  EXPECT_EQ(api.write(api.self, &no_namespace, 1), SR_ERR_INVALID_ARGUMENT);
  sr_kv_op bad_kind{7, 0, Open("x"), S("k"), S("v")};
  EXPECT_EQ(api.write(api.self, &bad_kind, 1), SR_ERR_INVALID_ARGUMENT);
  sr_kv_op update{SR_KV_UPDATE, 0, Open("x"), S("k"), S("v")};  // version 2's
  EXPECT_EQ(api.write(api.self, &update, 1), SR_ERR_INVALID_ARGUMENT);
}

TEST_F(SqliteStoreServiceTest, LastErrorIsTruncatedAndReportsItsLength) {
  store.Close();
  sr_kv_namespace* ns = Open("x");
  sr_kv_op op{SR_KV_PUT, 0, ns, S("k"), S("v")};
  EXPECT_EQ(api.write(api.self, &op, 1), SR_ERR_UNAVAILABLE);
  EXPECT_EQ(api.healthy(api.self), 0);
  char small[5];
  size_t length = api.last_error(api.self, small, sizeof(small));
  EXPECT_EQ(length, std::string("the store is closed").size());
  EXPECT_STREQ(small, "the ");
}

}  // namespace
}  // namespace sr::sqlite_store
