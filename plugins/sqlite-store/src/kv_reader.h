#pragma once

#include <cstdint>
#include <string_view>

#include "sqlite_connection.h"
#include "store_types.h"

namespace sr::sqlite_store {

// The read statements of one connection, prepared once. Used by one thread at a time.
class KvReader {
 public:
  explicit KvReader(Connection& db);

  // Throws SqliteError.
  bool Get(std::string_view ns, std::string_view key, const KvRowVisitor& visit);
  void Scan(std::string_view ns, std::string_view start, std::string_view end, std::uint32_t limit,
            bool reverse, const KvRowVisitor& visit);
  std::uint64_t Count(std::string_view ns);

 private:
  Statement& ScanStatement(bool bounded, bool reverse);

  Statement get_;
  Statement count_;
  // [bounded][reverse]: separate statements keep each one a plain index range scan.
  Statement scan_open_forward_;
  Statement scan_open_reverse_;
  Statement scan_bounded_forward_;
  Statement scan_bounded_reverse_;
};

}  // namespace sr::sqlite_store
