#pragma once

#include <string_view>

namespace sr::host {

// The reason phrase of a status code ("Not Found"); "Unknown" for unlisted codes.
std::string_view ReasonPhrase(int status);

}  // namespace sr::host
