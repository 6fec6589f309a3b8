// What an entry of an uploaded build may be. Spawners extract the build with ordinary unzip
// tools, so a name that would land outside their folder, or an entry that unzip turns into a
// symbolic link (a later entry written through it lands anywhere), is refused.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sr::file_distribution {

// Why `name` is not a safe relative path ("an absolute path", "a \"..\" path segment", ...),
// or nothing when it is one. Backslashes are refused outright: Windows tools treat them as
// separators, and no portable archive needs them.
std::optional<std::string> EntryNameProblem(std::string_view name);

// True when the central directory's external attributes carry a Unix file type of symbolic
// link. Checked whatever "version made by" says: unzip tools disagree on which hosts' modes
// they honour, and a build never needs a link.
bool IsSymbolicLinkEntry(std::uint32_t external_attributes);

// `name` in double quotes for an error message: bytes outside printable ASCII as \xNN, and
// cut after 200 bytes.
std::string QuotedEntryName(std::string_view name);

}  // namespace sr::file_distribution
