// The "kv-store" v2 service table over the PostgreSQL KvStore: the SDK's provider barrier
// (sr/services/kv_store_provider.hpp), shared with every other provider of the service.
#pragma once

#include <sr/services/kv_store_provider.hpp>

#include "kv_store.h"

namespace sr::postgres_store {

using KvStoreService = sr::KvStoreProvider<KvStore, KvWriteOp, SR_KV_STORE_VERSION_2>;

}  // namespace sr::postgres_store
