#pragma once

// The key-value types are the SDK's, shared with every provider of the kv-store service.
#include <functional>
#include <sr/services/kv_store_provider.hpp>
#include <string>

namespace sr::sqlite_store {

enum class LogLevel { kInfo, kWarn, kError };
using StoreLogger = std::function<void(LogLevel, const std::string&)>;

}  // namespace sr::sqlite_store
