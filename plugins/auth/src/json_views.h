// JSON shapes of the plugin's API. Never includes a password hash, a session id or a key.
#pragma once

#include <string>
#include <vector>

#include "audit_log.h"
#include "json.h"
#include "user_directory.h"

namespace sr::auth {

// {"id","email","role","disabled","created","updated"}
void WriteUser(JsonWriter& writer, const User& user);
std::string UserJson(const User& user);
// {"users": [user...]}
std::string UserListJson(const std::vector<User>& users);
// {"entries": [{"sequence","time","actor","action","target","ip","detail"}...],
//  "next_before": n | null}
std::string AuditPageJson(const AuditPage& page);

}  // namespace sr::auth
