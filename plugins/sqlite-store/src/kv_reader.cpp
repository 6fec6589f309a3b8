#include "kv_reader.h"

#include <limits>

namespace sr::sqlite_store {

KvReader::KvReader(Connection& db)
    : get_(db.get(), "SELECT value FROM kv WHERE ns = ?1 AND key = ?2"),
      count_(db.get(), "SELECT count(*) FROM kv WHERE ns = ?1"),
      scan_open_forward_(db.get(),
                         "SELECT key, value FROM kv WHERE ns = ?1 AND key >= ?2 "
                         "ORDER BY key ASC LIMIT ?4"),
      scan_open_reverse_(db.get(),
                         "SELECT key, value FROM kv WHERE ns = ?1 AND key >= ?2 "
                         "ORDER BY key DESC LIMIT ?4"),
      scan_bounded_forward_(db.get(),
                            "SELECT key, value FROM kv WHERE ns = ?1 AND key >= ?2 "
                            "AND key < ?3 ORDER BY key ASC LIMIT ?4"),
      scan_bounded_reverse_(db.get(),
                            "SELECT key, value FROM kv WHERE ns = ?1 AND key >= ?2 "
                            "AND key < ?3 ORDER BY key DESC LIMIT ?4") {}

bool KvReader::Get(std::string_view ns, std::string_view key, const KvRowVisitor& visit) {
  StatementUse use(get_);
  use->BindText(1, ns);
  use->BindBlob(2, key);
  if (!use->Step()) return false;
  visit(key, use->ColumnBytes(0));
  return true;
}

Statement& KvReader::ScanStatement(bool bounded, bool reverse) {
  if (bounded) return reverse ? scan_bounded_reverse_ : scan_bounded_forward_;
  return reverse ? scan_open_reverse_ : scan_open_forward_;
}

void KvReader::Scan(std::string_view ns, std::string_view start, std::string_view end,
                    std::uint32_t limit, bool reverse, const KvRowVisitor& visit) {
  bool bounded = !end.empty();
  StatementUse use(ScanStatement(bounded, reverse));
  use->BindText(1, ns);
  use->BindBlob(2, start);
  if (bounded) use->BindBlob(3, end);
  // SQLite reads a negative LIMIT as "no limit".
  use->BindInt(4, limit == 0 ? -1 : static_cast<std::int64_t>(limit));
  while (use->Step()) {
    if (!visit(use->ColumnBytes(0), use->ColumnBytes(1))) break;
  }
}

std::uint64_t KvReader::Count(std::string_view ns) {
  StatementUse use(count_);
  use->BindText(1, ns);
  use->Step();
  return static_cast<std::uint64_t>(use->ColumnInt(0));
}

}  // namespace sr::sqlite_store
