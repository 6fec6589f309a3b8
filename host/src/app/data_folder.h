#pragma once

#include <string>

namespace sr::host {

// Makes the data folder (server.data_dir) private before any plugin writes to it: created
// 0700 when absent; an existing one that we own and that others may read or enter is
// tightened to 0700 (logged, with the old mode). A folder owned by another user is left as
// it is, with a warning. Failures are logged, not fatal: a plugin that needs the folder
// reports its own error.
void PrepareDataFolder(const std::string& dir);

}  // namespace sr::host
