#include "batch_fold.h"

#include <algorithm>
#include <map>
#include <utility>

namespace sr::postgres_store {

FoldedBatch Fold(const std::vector<KvWriteOp>& ops) {
  struct Final {
    KvWriteOp::Kind kind;
    const std::string* value;
    std::size_t order;  // first appearance: rows keep the callers' order
  };
  std::map<std::pair<std::string_view, std::string_view>, Final> finals;
  for (const KvWriteOp& op : ops) {
    auto [it, inserted] =
        finals.try_emplace({op.ns, op.key}, Final{op.kind, &op.value, finals.size()});
    if (inserted) continue;
    Final& final = it->second;
    switch (op.kind) {
      case KvWriteOp::Kind::kPut:
      case KvWriteOp::Kind::kDelete:
        final.kind = op.kind;
        final.value = &op.value;
        break;
      case KvWriteOp::Kind::kUpdate:
        if (final.kind != KvWriteOp::Kind::kDelete) final.value = &op.value;
        break;
    }
  }
  std::vector<const std::pair<const std::pair<std::string_view, std::string_view>, Final>*> ordered;
  ordered.reserve(finals.size());
  for (const auto& entry : finals) ordered.push_back(&entry);
  std::sort(ordered.begin(), ordered.end(),
            [](const auto* a, const auto* b) { return a->second.order < b->second.order; });
  FoldedBatch folded;
  for (const auto* entry : ordered) {
    const auto& [ns, key] = entry->first;
    const Final& final = entry->second;
    KindArrays& arrays = final.kind == KvWriteOp::Kind::kPut      ? folded.puts
                         : final.kind == KvWriteOp::Kind::kDelete ? folded.deletes
                                                                  : folded.updates;
    arrays.ns.push_back(ns);
    arrays.keys.emplace_back(key);
    if (final.kind != KvWriteOp::Kind::kDelete) arrays.values.emplace_back(*final.value);
    if (std::find(folded.namespaces.begin(), folded.namespaces.end(), ns) ==
        folded.namespaces.end()) {
      folded.namespaces.push_back(ns);
    }
  }
  return folded;
}

}  // namespace sr::postgres_store
