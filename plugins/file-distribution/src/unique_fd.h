// Owns a file descriptor and closes it once: the SDK's, under this plugin's namespace.
#pragma once

#include <sr/unique_fd.hpp>

namespace sr::file_distribution {

using UniqueFd = sr::UniqueFd;

}  // namespace sr::file_distribution
