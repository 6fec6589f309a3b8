#include "user_routes.h"

#include <charconv>
#include <string>
#include <vector>

#include "json.h"
#include "json_views.h"

namespace sr::auth {

namespace {

constexpr std::string_view kLastAdmin =
    "the last enabled admin cannot be deleted, disabled or demoted";

std::optional<std::uint64_t> ParseId(std::string_view text) {
  std::uint64_t id = 0;
  // Canonical form only: "01" names no user, as "+1" does not (one spelling per id).
  if (text.empty() || text.size() > 20 || text.front() == '0') return std::nullopt;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (error != std::errc() || end != text.data() + text.size() || id == 0) return std::nullopt;
  return id;
}

HttpReply ErrorFor(UserError error) {
  switch (error) {
    case UserError::kNotFound:
      return HttpReply::Error(404, "no such user");
    case UserError::kInvalidEmail:
      return HttpReply::Error(400, "invalid email address");
    case UserError::kEmailTaken:
      return HttpReply::Error(409, "a user with this email exists");
    case UserError::kLastAdmin:
      return HttpReply::Error(409, std::string(kLastAdmin));
  }
  return HttpReply::Error(500, "unexpected user error");
}

// The member names of a JSON object. Indexing avoids comparing rapidjson's member iterators,
// whose operators are ambiguous under C++20's reversed-operator rules.
std::vector<std::string_view> MemberNames(const rapidjson::Value& object) {
  std::vector<std::string_view> names;
  names.reserve(object.MemberCount());
  for (rapidjson::SizeType i = 0; i < object.MemberCount(); ++i) {
    const auto& name = (object.MemberBegin() + i)->name;
    names.emplace_back(name.GetString(), name.GetStringLength());
  }
  return names;
}

HttpReply StoreUnavailable(AuthCore& core, const StoreError& error) {
  core.Warn(std::string("user change not stored: ") + error.what());
  return HttpReply::Error(503, "the change cannot be stored right now");
}

}  // namespace

UserRoutes::UserRoutes(AuthCore& core) : core_(core) {}

HttpReply UserRoutes::List() { return HttpReply::Json(200, UserListJson(core_.users().List())); }

HttpReply UserRoutes::Create(const Caller& caller, std::string_view ip, std::string_view body) {
  auto document = ParseJsonObject(body);
  if (!document) return HttpReply::Error(400, "the body must be a JSON object");
  for (std::string_view name : MemberNames(*document)) {
    if (name != "email" && name != "password" && name != "role") {
      return HttpReply::Error(400, "unknown field '" + std::string(name) + "'");
    }
  }
  auto email_text = StringMember(*document, "email");
  auto password = StringMember(*document, "password");
  if (!email_text || !password) return HttpReply::Error(400, "email and password are required");
  auto email = NormalizeEmail(*email_text);
  if (!email) return HttpReply::Error(400, "invalid email address");
  Role role = Role::kViewer;
  if (HasMember(*document, "role")) {
    auto role_text = StringMember(*document, "role");
    auto parsed = role_text ? ParseUserRole(*role_text) : std::nullopt;
    if (!parsed) return HttpReply::Error(400, "role must be viewer, operator or admin");
    role = *parsed;
  }
  if (auto problem = core_.settings().password_policy.Problem(*password)) {
    return HttpReply::Error(400, *problem);
  }
  if (core_.users().FindByEmail(*email)) return ErrorFor(UserError::kEmailTaken);
  try {
    auto created = core_.users().Create(*email, role, core_.hasher().Hash(*password), core_.Now());
    if (!created) return ErrorFor(created.error());
    core_.Audit(AuditEntry{0, 0, caller.user, "user.create", created->email, std::string(ip),
                           "role=" + std::string(RoleName(role))});
    return HttpReply::Json(201, UserJson(*created));
  } catch (const StoreError& e) {
    return StoreUnavailable(core_, e);
  }
}

HttpReply UserRoutes::Update(const Caller& caller, std::string_view ip, std::string_view id_text,
                             std::string_view body) {
  auto id = ParseId(id_text);
  if (!id) return ErrorFor(UserError::kNotFound);
  auto document = ParseJsonObject(body);
  if (!document) return HttpReply::Error(400, "the body must be a JSON object");
  for (std::string_view name : MemberNames(*document)) {
    if (name != "role" && name != "disabled") {
      return HttpReply::Error(400, "unknown field '" + std::string(name) + "'");
    }
  }
  UserChange change;
  std::string detail;
  if (HasMember(*document, "role")) {
    auto role_text = StringMember(*document, "role");
    change.role = role_text ? ParseUserRole(*role_text) : std::nullopt;
    if (!change.role) return HttpReply::Error(400, "role must be viewer, operator or admin");
    detail = "role=" + std::string(RoleName(*change.role));
  }
  if (HasMember(*document, "disabled")) {
    change.disabled = BoolMember(*document, "disabled");
    if (!change.disabled) return HttpReply::Error(400, "disabled must be true or false");
    detail += std::string(detail.empty() ? "" : " ") +
              "disabled=" + (*change.disabled ? "true" : "false");
  }
  if (!change.role && !change.disabled) {
    return HttpReply::Error(400, "nothing to change: send role and/or disabled");
  }
  auto before = core_.users().FindById(*id);
  try {
    auto updated = core_.users().Update(*id, change, core_.Now());
    if (!updated) return ErrorFor(updated.error());
    if (updated->disabled) {
      core_.EndSessionsOf(updated->id, updated->email, "disabled");
    } else if (before && before->role != updated->role) {
      core_.AnnounceSessionsOf(updated->id, updated->email, "role_changed");
    }
    core_.Audit(
        AuditEntry{0, 0, caller.user, "user.update", updated->email, std::string(ip), detail});
    return HttpReply::Json(200, UserJson(*updated));
  } catch (const StoreError& e) {
    return StoreUnavailable(core_, e);
  }
}

HttpReply UserRoutes::Delete(const Caller& caller, std::string_view ip, std::string_view id_text) {
  auto id = ParseId(id_text);
  if (!id) return ErrorFor(UserError::kNotFound);
  try {
    auto removed = core_.users().Delete(*id);
    if (!removed) return ErrorFor(removed.error());
    core_.EndSessionsOf(removed->id, removed->email, "deleted");
    core_.Audit(AuditEntry{0, 0, caller.user, "user.delete", removed->email, std::string(ip), ""});
    return HttpReply::Json(200, R"({"message":"deleted"})");
  } catch (const StoreError& e) {
    return StoreUnavailable(core_, e);
  }
}

HttpReply UserRoutes::ResetPassword(const Caller& caller, std::string_view ip,
                                    std::string_view id_text, std::string_view body) {
  auto id = ParseId(id_text);
  if (!id) return ErrorFor(UserError::kNotFound);
  auto document = ParseJsonObject(body);
  auto password = document ? StringMember(*document, "password") : std::nullopt;
  if (!password) return HttpReply::Error(400, "password is required");
  if (auto problem = core_.settings().password_policy.Problem(*password)) {
    return HttpReply::Error(400, *problem);
  }
  if (!core_.users().FindById(*id)) return ErrorFor(UserError::kNotFound);
  try {
    auto updated = core_.users().SetPasswordHash(*id, core_.hasher().Hash(*password), core_.Now());
    if (!updated) return ErrorFor(updated.error());
    core_.EndSessionsOf(updated->id, updated->email, "password_changed");
    core_.Audit(
        AuditEntry{0, 0, caller.user, "user.password_reset", updated->email, std::string(ip), ""});
    return HttpReply::Json(200, "{\"ok\":true}");
  } catch (const StoreError& e) {
    return StoreUnavailable(core_, e);
  }
}

}  // namespace sr::auth
