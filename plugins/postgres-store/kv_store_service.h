// The "kv-store" v2 service table over the PostgreSQL KvStore: the SDK's provider barrier
// (sr/services/kv_store_provider.hpp), shared with every other provider of the service.
#pragma once

#include <sr/services/kv_store_provider.hpp>

#include "kv_store.h"

namespace sr::postgres_store {

// The provider copies each sr_kv_op's kind into WriteOp::Kind as is.
static_assert(static_cast<std::uint32_t>(WriteOp::Kind::kPut) == SR_KV_PUT &&
              static_cast<std::uint32_t>(WriteOp::Kind::kDelete) == SR_KV_DELETE &&
              static_cast<std::uint32_t>(WriteOp::Kind::kUpdate) == SR_KV_UPDATE);

using KvStoreService = sr::KvStoreProvider<KvStore, WriteOp, SR_KV_STORE_VERSION_2>;

}  // namespace sr::postgres_store
