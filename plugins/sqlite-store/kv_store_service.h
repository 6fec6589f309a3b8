// The "kv-store" v1 service table over the SQLite KvStore: the SDK's provider barrier
// (sr/services/kv_store_provider.hpp), shared with every other provider of the service.
#pragma once

#include <sr/services/kv_store_provider.hpp>

#include "kv_store.h"

namespace sr::sqlite_store {

using KvStoreService = sr::KvStoreProvider<KvStore, KvWriteOp, SR_KV_STORE_VERSION>;

}  // namespace sr::sqlite_store
