// Names the store derives for PostgreSQL (no PostgreSQL needed).
#include <gtest/gtest.h>

#include "schema.h"

namespace sr::postgres_store {
namespace {

TEST(SchemaNames, SequencesStayWithinPostgresIdentifierLimit) {
  EXPECT_EQ(SequenceName("spawner_id"), "sr_seq_spawner_id");
  std::string longest(56, 'a');  // sr_seq_ + 56 = 63 bytes: still as it is
  EXPECT_EQ(SequenceName(longest), std::string("sr_seq_").append(longest));
  std::string a = std::string(60, 'x').append("_one");
  std::string b = std::string(60, 'x').append("_two");
  EXPECT_LE(SequenceName(a).size(), 63u);
  EXPECT_NE(SequenceName(a), SequenceName(b));  // the same first 63 bytes, different sequences
  EXPECT_EQ(SequenceName(a), SequenceName(a));  // every master derives the same name
}

TEST(SchemaNames, LeaseKeysDifferByNameAndFromTheStoresOwnLocks) {
  EXPECT_NE(LeaseKey("spawner-sweeper"), LeaseKey("postgres-store-purge"));
  EXPECT_EQ(LeaseKey("spawner-sweeper"), LeaseKey("spawner-sweeper"));
  EXPECT_NE(LeaseKey("spawner-sweeper"), kRevisionLock);
  EXPECT_NE(LeaseKey("spawner-sweeper"), kSchemaLock);
}

}  // namespace
}  // namespace sr::postgres_store
