#include "kv_store.h"

#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <future>

#include "schema_migrations.h"

namespace sr::sqlite_store {

namespace {

constexpr std::string_view kMemoryPath = ":memory:";

std::string Describe(const SqliteError& e) {
  switch (e.code() & 0xFF) {
    case SQLITE_NOTADB:
      return "is not a SQLite database (" + std::string(e.what()) + ")";
    case SQLITE_CORRUPT:
      return "is corrupt (" + std::string(e.what()) + ")";
    case SQLITE_READONLY:
    case SQLITE_PERM:
      return "is read-only (" + std::string(e.what()) + "); the store needs to write it";
    case SQLITE_CANTOPEN:
      return "cannot be opened (" + std::string(e.what()) +
             "); check that the file and its folder are writable";
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return "is locked by another process (" + std::string(e.what()) + ")";
    default:
      return "cannot be used (" + std::string(e.what()) + ")";
  }
}

void PrepareFolder(const std::string& path) {
  if (path == kMemoryPath) return;
  namespace fs = std::filesystem;
  std::error_code error;
  fs::path file(path);
  if (fs::is_directory(file, error)) throw StoreOpenError("is a directory, not a file");
  fs::path folder = file.parent_path();
  if (folder.empty()) return;
  fs::create_directories(folder, error);
  if (error) {
    throw StoreOpenError("cannot be created: folder '" + folder.string() + "': " + error.message());
  }
}

std::unique_ptr<Connection> OpenWriter(const StoreOptions& options) {
  auto db = std::make_unique<Connection>(options.path);
  if (db->ReadOnly()) {
    throw StoreOpenError(
        "is read-only; the store needs to write it (check the file's "
        "permissions and the filesystem)");
  }
  ConfigureConnection(*db, options);
  std::string mode = db->QueryText("PRAGMA journal_mode = WAL");
  if (options.path != kMemoryPath && mode != "wal") {
    throw StoreOpenError("cannot use write-ahead logging (journal mode stays '" + mode + "')");
  }
  std::string check = db->QueryText("PRAGMA quick_check");
  if (check != "ok") throw StoreOpenError("is corrupt (quick_check: " + check + ")");
  db->Exec(options.synchronous == SyncMode::kFull ? "PRAGMA synchronous = FULL"
                                                  : "PRAGMA synchronous = NORMAL");
  if (options.max_size_bytes > 0) {
    std::int64_t page_size = db->QueryInt("PRAGMA page_size");
    std::uint64_t pages = std::max<std::uint64_t>(options.max_size_bytes / page_size, 1);
    db->Exec("PRAGMA max_page_count = " + std::to_string(pages));
  }
  return db;
}

}  // namespace

KvStore::KvStore(StoreOptions options, StoreLogger logger)
    : options_(std::move(options)), health_(std::move(logger), options_.on_health) {
  const std::string where = "database '" + options_.path + "' ";
  try {
    PrepareFolder(options_.path);
    std::unique_ptr<Connection> db = OpenWriter(options_);
    schema_version_ = Migrate(*db).to_version;
    writer_ = std::make_unique<GroupCommitWriter>(std::move(db), options_, health_);
    if (options_.path != kMemoryPath) readers_ = std::make_unique<ReaderPool>(options_);
  } catch (const StoreOpenError& e) {
    throw StoreOpenError(where + e.what());
  } catch (const SchemaError& e) {
    throw StoreOpenError(where + e.what());
  } catch (const SqliteError& e) {
    throw StoreOpenError(where + Describe(e));
  }
}

KvStore::~KvStore() { Close(); }

template <typename Fn>
KvStatus KvStore::Read(Fn&& fn) {
  try {
    if (readers_ == nullptr) {
      return writer_->WithConnection([&](Connection& db) {
        KvReader reader(db);
        return fn(reader);
      });
    }
    ReaderPool::Lease lease = readers_->Acquire();
    return fn(lease.reader());
  } catch (const SqliteError& e) {
    return e.status();
  }
}

KvStatus KvStore::Get(std::string_view ns, std::string_view key, const KvRowVisitor& visit) {
  return Read([&](KvReader& reader) {
    return reader.Get(ns, key, visit) ? KvStatus::kOk : KvStatus::kNotFound;
  });
}

KvStatus KvStore::Scan(std::string_view ns, std::string_view start, std::string_view end,
                       std::uint32_t limit, bool reverse, const KvRowVisitor& visit) {
  if (!end.empty() && end <= start) return KvStatus::kOk;
  return Read([&](KvReader& reader) {
    reader.Scan(ns, start, end, limit, reverse, visit);
    return KvStatus::kOk;
  });
}

KvStatus KvStore::Count(std::string_view ns, std::uint64_t& out) {
  return Read([&](KvReader& reader) {
    out = reader.Count(ns);
    return KvStatus::kOk;
  });
}

KvWriteOutcome KvStore::Write(std::vector<KvWriteOp> ops) {
  auto promise = std::make_shared<std::promise<KvWriteOutcome>>();
  std::future<KvWriteOutcome> result = promise->get_future();
  KvWriteOutcome queued = writer_->Submit(
      std::move(ops), [promise](const KvWriteOutcome& outcome) { promise->set_value(outcome); });
  if (!queued.ok()) return queued;
  return result.get();
}

KvWriteOutcome KvStore::WriteAsync(std::vector<KvWriteOp> ops, KvWriteCallback done) {
  return writer_->Submit(std::move(ops), std::move(done));
}

void KvStore::Close() {
  if (writer_ == nullptr) return;
  writer_->Stop();
  health_.RecordClosed();
}

}  // namespace sr::sqlite_store
