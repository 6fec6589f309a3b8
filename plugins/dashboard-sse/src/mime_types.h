#pragma once

#include <optional>
#include <string_view>

namespace sr::dashboard {

// The Content-Type for a file name, by its extension (case-insensitive); nullopt for an
// extension the dashboard does not serve. Only files with a known type are ever cached, so
// this table is also the list of what the web root may expose.
std::optional<std::string_view> MimeTypeFor(std::string_view file_name);

}  // namespace sr::dashboard
