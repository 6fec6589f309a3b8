#include "store_types.h"

namespace sr::postgres_store {
namespace {

bool IsValidName(std::string_view name, bool allow_dash) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    bool allowed = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
                   (allow_dash && c == '-');
    if (!allowed) return false;
  }
  return true;
}

}  // namespace

bool IsValidNamespaceName(std::string_view name) { return IsValidName(name, true); }
bool IsValidSequenceName(std::string_view name) { return IsValidName(name, false); }

}  // namespace sr::postgres_store
