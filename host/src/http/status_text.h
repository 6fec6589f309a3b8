#pragma once

#include <sr/http/status.hpp>

namespace sr::host {

// The reason phrases are the SDK's (sr/http/status.hpp), shared with the fake host.
using sr::http::ReasonPhrase;

}  // namespace sr::host
