#pragma once

#include <sr/unique_fd.hpp>

namespace sr::host {

using UniqueFd = sr::UniqueFd;

}  // namespace sr::host
