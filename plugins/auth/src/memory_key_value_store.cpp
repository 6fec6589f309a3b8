#include "memory_key_value_store.h"

#include <algorithm>
#include <vector>

namespace sr::auth {

void MemoryKeyValueStore::ThrowIfFailing() const {
  if (failing_) throw StoreError("the in-memory store was told to fail");
}

void MemoryKeyValueStore::SetFailing(bool failing) {
  std::lock_guard lock(mutex_);
  failing_ = failing;
}

std::size_t MemoryKeyValueStore::Count(std::string_view space) {
  std::lock_guard lock(mutex_);
  auto it = spaces_.find(space);
  return it == spaces_.end() ? 0 : it->second.size();
}

std::optional<std::string> MemoryKeyValueStore::Get(std::string_view space, std::string_view key) {
  std::lock_guard lock(mutex_);
  ThrowIfFailing();
  auto it = spaces_.find(space);
  if (it == spaces_.end()) return std::nullopt;
  auto row = it->second.find(key);
  if (row == it->second.end()) return std::nullopt;
  return row->second;
}

void MemoryKeyValueStore::Scan(std::string_view space, std::string_view start, std::string_view end,
                               std::uint32_t limit, bool reverse, const RowVisitor& visit) {
  // Copy the rows first so that the visitor may call back into the store.
  std::vector<std::pair<std::string, std::string>> rows;
  {
    std::lock_guard lock(mutex_);
    ThrowIfFailing();
    auto it = spaces_.find(space);
    if (it == spaces_.end()) return;
    const Space& data = it->second;
    auto first = data.lower_bound(start);
    auto last = end.empty() ? data.end() : data.lower_bound(end);
    for (auto row = first; row != last && row != data.end(); ++row) rows.emplace_back(*row);
  }
  if (reverse) std::reverse(rows.begin(), rows.end());
  std::uint32_t visited = 0;
  for (const auto& [key, value] : rows) {
    if (limit != 0 && visited == limit) break;
    ++visited;
    if (!visit(key, value)) break;
  }
}

void MemoryKeyValueStore::Write(const std::vector<KvOp>& ops) {
  std::lock_guard lock(mutex_);
  ThrowIfFailing();
  for (const KvOp& op : ops) {
    Space& data = spaces_[op.space];
    auto row = data.find(op.key);
    switch (op.kind) {
      case KvOp::Kind::kPut:
        data.insert_or_assign(op.key, op.value);
        break;
      case KvOp::Kind::kUpdate:
        if (row != data.end()) row->second = op.value;
        break;
      case KvOp::Kind::kDelete:
        if (row != data.end()) data.erase(row);
        break;
    }
  }
}

}  // namespace sr::auth
