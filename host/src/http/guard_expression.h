#pragma once

#include <sr/http/guard.hpp>

namespace sr::host {

// Guard expressions are parsed by the SDK's rules (sr/http/guard.hpp), shared with the
// fake host.
using sr::http::GuardExpression;
using sr::http::GuardTerm;
using sr::http::ParseGuardExpression;

}  // namespace sr::host
