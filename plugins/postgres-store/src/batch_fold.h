#pragma once

#include <optional>
#include <sr/services/kv_store_provider.hpp>
#include <string_view>
#include <vector>

namespace sr::postgres_store {

// The rows of one kind of statement, as parallel arrays for unnest().
struct KindArrays {
  std::vector<std::string_view> ns;
  std::vector<std::optional<std::string_view>> keys;
  std::vector<std::optional<std::string_view>> values;  // empty for deletes
  bool empty() const { return ns.empty(); }
};

// A group of batches reduced to one operation per key, so that each kind becomes one
// statement and no statement touches a key twice (ON CONFLICT refuses that).
struct FoldedBatch {
  KindArrays puts;
  KindArrays deletes;
  KindArrays updates;
  std::vector<std::string_view> namespaces;  // each touched namespace once
};

// Folds `ops` in order, the last operation on a key winning: an update after a put of the
// same group is a put of the new value; an update after a delete stays a delete (the key
// does not exist when it would apply). Views point into `ops`, which must outlive the result.
FoldedBatch Fold(const std::vector<KvWriteOp>& ops);

}  // namespace sr::postgres_store
