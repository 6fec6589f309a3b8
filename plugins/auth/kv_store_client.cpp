#include "kv_store_client.h"

#include <cstddef>
#include <exception>

namespace sr::auth {

namespace {

sr_str Str(std::string_view text) { return sr_str{text.data(), text.size()}; }
std::string_view View(sr_str text) {
  return text.data == nullptr ? std::string_view() : std::string_view(text.data, text.size);
}

// Carries a C++ visitor through the C callback; an exception stops the scan and is rethrown
// on our side of the call.
struct ScanContext {
  const KeyValueStore::RowVisitor* visit;
  std::exception_ptr failure;
};

int32_t VisitRow(void* ctx, sr_str key, sr_str value) {
  auto* scan = static_cast<ScanContext*>(ctx);
  try {
    return (*scan->visit)(View(key), View(value)) ? 1 : 0;
  } catch (...) {
    scan->failure = std::current_exception();
    return 0;
  }
}

int32_t CopyValue(void* ctx, sr_str, sr_str value) {
  try {
    static_cast<std::optional<std::string>*>(ctx)->emplace(View(value));
    return 1;
  } catch (...) {
    return 0;
  }
}

}  // namespace

KvStoreClient::KvStoreClient(const sr_kv_store_v1& service) : service_(service) {
  if (service.struct_size < offsetof(sr_kv_store_v1, write_async)) {
    throw StoreError("the kv-store service is older than version 1");
  }
}

void KvStoreClient::Fail(std::string_view what, sr_status status) const {
  std::string message = std::string(what) + " failed (status " + std::to_string(status) + ")";
  if (service_.struct_size >= offsetof(sr_kv_store_v1, last_error) + sizeof(void*) &&
      service_.last_error != nullptr) {
    char reason[256] = {};
    service_.last_error(service_.self, reason, sizeof(reason));
    if (reason[0] != '\0') message += ": " + std::string(reason);
  }
  throw StoreError(message);
}

sr_kv_namespace* KvStoreClient::Namespace(std::string_view name) {
  std::lock_guard lock(mutex_);
  auto it = namespaces_.find(name);
  if (it != namespaces_.end()) return it->second;
  sr_kv_namespace* handle = nullptr;
  sr_status status = service_.open_namespace(service_.self, Str(name), &handle);
  if (status != SR_OK || handle == nullptr) Fail("opening namespace " + std::string(name), status);
  namespaces_.emplace(std::string(name), handle);
  return handle;
}

std::optional<std::string> KvStoreClient::Get(std::string_view space, std::string_view key) {
  sr_kv_namespace* handle = Namespace(space);
  std::optional<std::string> value;
  sr_status status = service_.get(service_.self, handle, Str(key), &CopyValue, &value);
  if (status == SR_ERR_NOT_FOUND) return std::nullopt;
  if (status != SR_OK) Fail("reading " + std::string(space), status);
  return value;
}

void KvStoreClient::Scan(std::string_view space, std::string_view start, std::string_view end,
                         std::uint32_t limit, bool reverse, const RowVisitor& visit) {
  sr_kv_namespace* handle = Namespace(space);
  ScanContext context{&visit, nullptr};
  sr_status status = service_.scan(service_.self, handle, Str(start), Str(end), limit,
                                   reverse ? 1 : 0, &VisitRow, &context);
  if (context.failure) std::rethrow_exception(context.failure);
  if (status != SR_OK) Fail("scanning " + std::string(space), status);
}

void KvStoreClient::Write(const std::vector<KvOp>& ops) {
  if (ops.empty()) return;
  std::vector<sr_kv_op> raw;
  raw.reserve(ops.size());
  for (const KvOp& op : ops) {
    sr_kv_op item{};
    item.kind = op.kind == KvOp::Kind::kPut ? SR_KV_PUT : SR_KV_DELETE;
    item.ns = Namespace(op.space);
    item.key = Str(op.key);
    item.value = Str(op.value);
    raw.push_back(item);
  }
  sr_status status = service_.write(service_.self, raw.data(), raw.size());
  if (status != SR_OK) Fail("writing", status);
}

}  // namespace sr::auth
