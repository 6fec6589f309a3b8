// Folding a group of batches into one statement per kind (no PostgreSQL needed).
#include "batch_fold.h"

#include <gtest/gtest.h>

namespace sr::postgres_store {
namespace {

KvWriteOp Op(KvWriteOp::Kind kind, std::string ns, std::string key, std::string value = "") {
  return KvWriteOp{kind, std::move(ns), std::move(key), std::move(value)};
}

using Kind = KvWriteOp::Kind;

TEST(BatchFold, OneOperationPerKeyTheLastWinning) {
  std::vector<KvWriteOp> ops = {Op(Kind::kPut, "a", "1", "x"), Op(Kind::kPut, "b", "1", "y"),
                                Op(Kind::kDelete, "a", "1"), Op(Kind::kPut, "a", "1", "z"),
                                Op(Kind::kDelete, "a", "2")};
  FoldedBatch folded = Fold(ops);
  ASSERT_EQ(folded.puts.ns.size(), 2u);
  EXPECT_EQ(folded.puts.ns[0], "a");
  EXPECT_EQ(*folded.puts.keys[0], "1");
  EXPECT_EQ(*folded.puts.values[0], "z");
  EXPECT_EQ(folded.puts.ns[1], "b");
  ASSERT_EQ(folded.deletes.ns.size(), 1u);
  EXPECT_EQ(*folded.deletes.keys[0], "2");
  EXPECT_TRUE(folded.deletes.values.empty());
  EXPECT_TRUE(folded.updates.empty());
  EXPECT_EQ(folded.namespaces, (std::vector<std::string_view>{"a", "b"}));
}

TEST(BatchFold, AnUpdateFollowsWhatCameBeforeItInTheGroup) {
  std::vector<KvWriteOp> ops = {Op(Kind::kPut, "n", "put-then-update", "1"),
                                Op(Kind::kUpdate, "n", "put-then-update", "2"),
                                Op(Kind::kDelete, "n", "delete-then-update"),
                                Op(Kind::kUpdate, "n", "delete-then-update", "3"),
                                Op(Kind::kUpdate, "n", "update-twice", "4"),
                                Op(Kind::kUpdate, "n", "update-twice", "5"),
                                Op(Kind::kUpdate, "n", "update-then-delete", "6"),
                                Op(Kind::kDelete, "n", "update-then-delete")};
  FoldedBatch folded = Fold(ops);
  ASSERT_EQ(folded.puts.keys.size(), 1u);
  EXPECT_EQ(*folded.puts.values[0], "2");
  ASSERT_EQ(folded.deletes.keys.size(), 2u);
  EXPECT_EQ(*folded.deletes.keys[0], "delete-then-update");
  EXPECT_EQ(*folded.deletes.keys[1], "update-then-delete");
  ASSERT_EQ(folded.updates.keys.size(), 1u);
  EXPECT_EQ(*folded.updates.values[0], "5");
}

TEST(BatchFold, TheSameKeyInTwoNamespacesIsTwoRows) {
  std::vector<KvWriteOp> ops = {Op(Kind::kPut, "a", "k", "1"), Op(Kind::kPut, "b", "k", "2")};
  EXPECT_EQ(Fold(ops).puts.keys.size(), 2u);
}

}  // namespace
}  // namespace sr::postgres_store
