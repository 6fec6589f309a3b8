#pragma once

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "kv_store.h"

namespace sr::sqlite_store::testing {

inline KvWriteOp Put(std::string ns, std::string key, std::string value) {
  return KvWriteOp{KvWriteOp::Kind::kPut, std::move(ns), std::move(key), std::move(value)};
}

inline KvWriteOp Delete(std::string ns, std::string key) {
  return KvWriteOp{KvWriteOp::Kind::kDelete, std::move(ns), std::move(key), {}};
}

inline StoreOptions MemoryOptions() {
  StoreOptions options;
  options.path = ":memory:";
  return options;
}

inline StoreOptions FileOptions(const std::filesystem::path& path) {
  StoreOptions options;
  options.path = path.string();
  options.synchronous = SyncMode::kNormal;  // tests do not need power-loss durability
  return options;
}

// Every key of a namespace, in scan order.
inline std::vector<std::pair<std::string, std::string>> Rows(KvStore& store, std::string_view ns,
                                                             std::string_view start = {},
                                                             std::string_view end = {},
                                                             std::uint32_t limit = 0,
                                                             bool reverse = false) {
  std::vector<std::pair<std::string, std::string>> rows;
  store.Scan(ns, start, end, limit, reverse, [&](std::string_view key, std::string_view value) {
    rows.emplace_back(std::string(key), std::string(value));
    return true;
  });
  return rows;
}

// Overwrites `size` bytes at `offset` of a file with a pattern.
inline void Scribble(const std::filesystem::path& path, std::uint64_t offset, std::size_t size) {
  std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
  file.seekp(static_cast<std::streamoff>(offset));
  std::string garbage(size, '\0');
  for (std::size_t i = 0; i < size; ++i) garbage[i] = static_cast<char>((i * 131 + 7) & 0xFF);
  file.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
}

}  // namespace sr::sqlite_store::testing
