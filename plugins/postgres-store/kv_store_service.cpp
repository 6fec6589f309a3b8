#include "kv_store_service.h"

#include <algorithm>
#include <cstring>
#include <vector>

namespace sr::postgres_store {

namespace {

std::string_view View(sr_str text) {
  return text.data == nullptr ? std::string_view() : std::string_view(text.data, text.size);
}
sr_str Str(std::string_view text) { return sr_str{text.data(), text.size()}; }

KvStore& StoreOf(void* self) { return static_cast<KvStoreService*>(self)->store(); }

sr_status ToStatus(StoreStatus status) {
  switch (status) {
    case StoreStatus::kOk:
      return SR_OK;
    case StoreStatus::kNotFound:
      return SR_ERR_NOT_FOUND;
    case StoreStatus::kInvalidArgument:
      return SR_ERR_INVALID_ARGUMENT;
    case StoreStatus::kUnavailable:
      return SR_ERR_UNAVAILABLE;
    case StoreStatus::kInternal:
      return SR_ERR_INTERNAL;
  }
  return SR_ERR_INTERNAL;
}

// Copies a batch out of the caller's views; false if an operation is malformed.
bool CopyOps(const sr_kv_op* ops, size_t count, std::vector<WriteOp>& out) {
  if (ops == nullptr && count > 0) return false;
  out.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    const sr_kv_op& op = ops[i];
    if (op.ns == nullptr) return false;
    WriteOp copy;
    switch (op.kind) {
      case SR_KV_PUT:
        copy.kind = WriteOp::Kind::kPut;
        break;
      case SR_KV_DELETE:
        copy.kind = WriteOp::Kind::kDelete;
        break;
      case SR_KV_UPDATE:
        copy.kind = WriteOp::Kind::kUpdate;
        break;
      default:
        return false;
    }
    copy.ns = op.ns->name;
    copy.key = std::string(View(op.key));
    if (op.kind != SR_KV_DELETE) copy.value = std::string(View(op.value));
    out.push_back(std::move(copy));
  }
  return true;
}

RowVisitor Visitor(sr_kv_row_fn fn, void* ctx) {
  return [fn, ctx](std::string_view key, std::string_view value) {
    return fn(ctx, Str(key), Str(value)) != 0;
  };
}

}  // namespace

KvStoreService::KvStoreService(KvStore& store) : store_(store) {
  vtable_.struct_size = sizeof(vtable_);
  vtable_.self = this;
  vtable_.open_namespace = &KvStoreService::OpenNamespace;
  vtable_.get = &KvStoreService::Get;
  vtable_.scan = &KvStoreService::Scan;
  vtable_.count = &KvStoreService::Count;
  vtable_.write = &KvStoreService::Write;
  vtable_.write_async = &KvStoreService::WriteAsync;
  vtable_.healthy = &KvStoreService::Healthy;
  vtable_.last_error = &KvStoreService::LastError;
  vtable_.next_id = &KvStoreService::NextId;
  vtable_.watch = &KvStoreService::Watch;
  vtable_.unwatch = &KvStoreService::Unwatch;
  vtable_.lead = &KvStoreService::Lead;
}

sr_status KvStoreService::OpenNamespace(void* self, sr_str name_in,
                                        sr_kv_namespace** out) noexcept {
  try {
    auto* service = static_cast<KvStoreService*>(self);
    std::string_view name = View(name_in);
    if (out == nullptr || !IsValidNamespaceName(name)) return SR_ERR_INVALID_ARGUMENT;
    std::lock_guard<std::mutex> lock(service->namespaces_mutex_);
    auto found = service->namespaces_.find(name);
    if (found == service->namespaces_.end()) {
      auto handle = std::make_unique<sr_kv_namespace>();
      handle->name = std::string(name);
      found = service->namespaces_.emplace(handle->name, std::move(handle)).first;
    }
    *out = found->second.get();
    return SR_OK;
  } catch (...) {
    return SR_ERR_INTERNAL;
  }
}

sr_status KvStoreService::Get(void* self, sr_kv_namespace* ns, sr_str key, sr_kv_row_fn fn,
                              void* ctx) noexcept {
  try {
    if (ns == nullptr || fn == nullptr) return SR_ERR_INVALID_ARGUMENT;
    return ToStatus(StoreOf(self).Get(ns->name, View(key), Visitor(fn, ctx)));
  } catch (...) {
    return SR_ERR_INTERNAL;
  }
}

sr_status KvStoreService::Scan(void* self, sr_kv_namespace* ns, sr_str start, sr_str end,
                               uint32_t limit, int32_t reverse, sr_kv_row_fn fn,
                               void* ctx) noexcept {
  try {
    if (ns == nullptr || fn == nullptr) return SR_ERR_INVALID_ARGUMENT;
    return ToStatus(StoreOf(self).Scan(ns->name, View(start), View(end), limit, reverse != 0,
                                       Visitor(fn, ctx)));
  } catch (...) {
    return SR_ERR_INTERNAL;
  }
}

sr_status KvStoreService::Count(void* self, sr_kv_namespace* ns, uint64_t* out) noexcept {
  try {
    if (ns == nullptr || out == nullptr) return SR_ERR_INVALID_ARGUMENT;
    std::uint64_t count = 0;
    StoreStatus status = StoreOf(self).Count(ns->name, count);
    if (status == StoreStatus::kOk) *out = count;
    return ToStatus(status);
  } catch (...) {
    return SR_ERR_INTERNAL;
  }
}

sr_status KvStoreService::Write(void* self, const sr_kv_op* ops, size_t count) noexcept {
  try {
    std::vector<WriteOp> copy;
    if (!CopyOps(ops, count, copy)) return SR_ERR_INVALID_ARGUMENT;
    return ToStatus(StoreOf(self).Write(std::move(copy)).status);
  } catch (...) {
    return SR_ERR_INTERNAL;
  }
}

sr_status KvStoreService::WriteAsync(void* self, const sr_kv_op* ops, size_t count,
                                     sr_kv_done_fn done, void* ctx) noexcept {
  try {
    if (done == nullptr) return SR_ERR_INVALID_ARGUMENT;
    std::vector<WriteOp> copy;
    if (!CopyOps(ops, count, copy)) return SR_ERR_INVALID_ARGUMENT;
    WriteOutcome queued =
        StoreOf(self).WriteAsync(std::move(copy), [done, ctx](const WriteOutcome& outcome) {
          done(ctx, ToStatus(outcome.status), Str(outcome.message));
        });
    return ToStatus(queued.status);
  } catch (...) {
    return SR_ERR_INTERNAL;
  }
}

int32_t KvStoreService::Healthy(void* self) noexcept {
  try {
    return StoreOf(self).Healthy() ? 1 : 0;
  } catch (...) {
    return 0;
  }
}

size_t KvStoreService::LastError(void* self, char* buffer, size_t capacity) noexcept {
  try {
    std::string message = StoreOf(self).LastError();
    if (buffer != nullptr && capacity > 0) {
      size_t copied = std::min(message.size(), capacity - 1);
      std::memcpy(buffer, message.data(), copied);
      buffer[copied] = '\0';
    }
    return message.size();
  } catch (...) {
    return 0;
  }
}

sr_status KvStoreService::NextId(void* self, sr_str name, uint64_t* out) noexcept {
  try {
    if (out == nullptr) return SR_ERR_INVALID_ARGUMENT;
    return ToStatus(StoreOf(self).NextId(View(name), *out));
  } catch (...) {
    return SR_ERR_INTERNAL;
  }
}

sr_status KvStoreService::Watch(void* self, sr_kv_namespace* ns, sr_kv_change_fn fn, void* ctx,
                                uint64_t* out) noexcept {
  try {
    if (ns == nullptr || fn == nullptr || out == nullptr) return SR_ERR_INVALID_ARGUMENT;
    auto visit = [fn, ctx](std::string_view key, std::string_view value, bool deleted) {
      fn(ctx, Str(key), Str(value), deleted ? 1 : 0);
    };
    std::uint64_t handle = 0;
    StoreStatus status = StoreOf(self).Watch(ns->name, visit, handle);
    if (status == StoreStatus::kOk) *out = handle;
    return ToStatus(status);
  } catch (...) {
    return SR_ERR_INTERNAL;
  }
}

void KvStoreService::Unwatch(void* self, uint64_t watch) noexcept {
  try {
    StoreOf(self).Unwatch(watch);
  } catch (...) {  // a failure to erase leaves nothing to undo
  }
}

int32_t KvStoreService::Lead(void* self, sr_str name) noexcept {
  try {
    std::string_view lease = View(name);
    if (!IsValidNamespaceName(lease)) return 0;
    return StoreOf(self).Lead(lease) ? 1 : 0;
  } catch (...) {
    return 0;
  }
}

}  // namespace sr::postgres_store
