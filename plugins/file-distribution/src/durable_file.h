// File operations that survive a crash at any point: the old or the new state is found
// afterwards, never a half-written file. Everything is relative to an open folder (openat and
// friends), with names built from validated parts, so no request can steer a path.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "result.h"
#include "unique_fd.h"

namespace sr::file_distribution {

// ".<base>.tmp-<random hex>": hidden, unique, and recognisable after a crash.
std::string TempName(std::string_view base);
bool IsTempName(std::string_view name);

// Opens a folder inside `parent_fd` (creating it with mode 0755 when missing); symbolic links
// are refused.
Result<UniqueFd> OpenSubfolder(int parent_fd, const std::string& name);

// fsync of a folder, so that renames and links in it are durable.
Status SyncFolder(int folder_fd);

// Replaces `name` in `folder_fd` with `contents`: temporary file, fsync, rename, fsync folder.
Status WriteFileAtomically(int folder_fd, const std::string& name, std::string_view contents);

// Reads a small regular file (at most `max_bytes`); kNotFound when absent.
Result<std::string> ReadSmallFile(int folder_fd, const std::string& name, std::size_t max_bytes);

// Makes `to_name` in `to_folder` the file `from_name` of `from_folder`, atomically: a hard link
// (or, where links are impossible, a copy) under a temporary name, fsync, rename, fsync folder.
// Readers that opened the old `to_name` keep reading the old file.
Status ReplaceWithLinkOrCopy(int from_folder, const std::string& from_name, int to_folder,
                             const std::string& to_name);

// Writes all of `bytes` at `offset` (pwrite until done).
Status WriteAllAt(int fd, std::string_view bytes, std::uint64_t offset);

// Removes a file; absent is fine.
void RemoveFile(int folder_fd, const std::string& name);

// The message of an errno value with the operation: "rename: No space left on device".
std::string SystemError(std::string_view operation, int error_number);

// kInsufficientStorage for ENOSPC and EDQUOT, kInternal otherwise.
Error IoError(std::string_view operation, int error_number);

}  // namespace sr::file_distribution
