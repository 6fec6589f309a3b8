// Who makes a build current by committing it. Uploading needs the operator role; serving a
// build to every spawner runs it on the whole fleet, so that needs the admin role unless the
// deployment lets operators do it too (operators_can_activate).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "build_store.h"

namespace sr::file_distribution {

// `role` is the request's "role" attribute as the auth plugin's guards set it; none when no
// guard set one (no auth plugin and `missing_guards: allow`: every route is open anyway, the
// activation route included). Any role other than admin or operator stores only.
InstallMode CommitInstallMode(std::optional<std::string_view> role, bool operators_can_activate);

// What the commit did, for the answer's "message" and the audit record: "build 1.2 is now
// current", or that it is stored only and how an admin makes it current.
std::string CommitOutcome(std::string_view version, bool made_current);

// Where an admin makes a kept build current: /api/builds/<version>/activate.
std::string ActivatePath(std::string_view version);

}  // namespace sr::file_distribution
