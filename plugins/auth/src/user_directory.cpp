#include "user_directory.h"

#include <algorithm>
#include <charconv>

#include "json.h"
#include "text.h"

namespace sr::auth {

namespace {

constexpr std::string_view kNextIdKey = "next_user_id";
// The cluster-wide sequence of user ids (clustered stores only).
constexpr std::string_view kUserIdSequence = "auth_user_id";
constexpr std::size_t kMaxEmailBytes = 254;

std::string SerializeUser(const User& user) {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("id");
  writer.Uint64(user.id);
  WriteMember(writer, "email", user.email);
  WriteMember(writer, "role", RoleName(user.role));
  WriteMember(writer, "password_hash", user.password_hash);
  writer.Key("disabled");
  writer.Bool(user.disabled);
  writer.Key("generation");
  writer.Uint64(user.generation);
  writer.Key("created_ms");
  writer.Int64(user.created_ms);
  writer.Key("updated_ms");
  writer.Int64(user.updated_ms);
  writer.EndObject();
  return buffer.GetString();
}

std::optional<User> ParseUser(std::string_view text) {
  auto document = ParseJsonObject(text);
  if (!document) return std::nullopt;
  auto id = UintMember(*document, "id");
  auto email = StringMember(*document, "email");
  auto role_name = StringMember(*document, "role");
  auto hash = StringMember(*document, "password_hash");
  if (!id || !email || !role_name || !hash) return std::nullopt;
  auto role = ParseUserRole(*role_name);
  auto normalized = NormalizeEmail(*email);
  if (!role || !normalized) return std::nullopt;
  User user;
  user.id = *id;
  user.email = *normalized;
  user.role = *role;
  user.password_hash = std::string(*hash);
  user.disabled = BoolMember(*document, "disabled").value_or(false);
  user.generation = UintMember(*document, "generation").value_or(1);
  user.created_ms = IntMember(*document, "created_ms").value_or(0);
  user.updated_ms = IntMember(*document, "updated_ms").value_or(user.created_ms);
  return user;
}

}  // namespace

std::optional<std::string> NormalizeEmail(std::string_view email) {
  std::string normalized = AsciiLower(TrimSpaces(email));
  if (normalized.size() < 3 || normalized.size() > kMaxEmailBytes) return std::nullopt;
  std::size_t at = normalized.find('@');
  if (at == std::string::npos || at == 0 || at + 1 == normalized.size() ||
      normalized.find('@', at + 1) != std::string::npos) {
    return std::nullopt;
  }
  for (char c : normalized) {
    auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte == 0x7F || c == '<' || c == '>' || c == '"' || c == '\\' || c == '/' ||
        c == ',' || c == ';') {
      return std::nullopt;
    }
  }
  return normalized;
}

UserDirectory::UserDirectory(KeyValueStore& store) : store_(store) {}

void UserDirectory::Load() {
  std::lock_guard loading(load_mutex_);
  std::map<std::uint64_t, User> users;
  std::unordered_map<std::string, std::uint64_t> by_email;
  std::uint64_t next_id = 1;
  store_.Scan(kUsersSpace, "", "", 0, false, [&](std::string_view, std::string_view value) {
    auto user = ParseUser(value);
    if (user && by_email.emplace(user->email, user->id).second) {
      next_id = std::max(next_id, user->id + 1);
      users.emplace(user->id, std::move(*user));
    }
    return true;
  });
  if (auto stored = store_.Get(kMetaSpace, kNextIdKey)) {
    std::string_view text = *stored;
    std::uint64_t parsed = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), parsed);
    if (error == std::errc() && end == text.data() + text.size()) {
      next_id = std::max(next_id, parsed);
    }
  }
  std::lock_guard write(write_mutex_);
  std::unique_lock lock(mutex_);
  users_ = std::move(users);
  id_by_email_ = std::move(by_email);
  next_id_ = next_id;
}

std::optional<User> UserDirectory::FindById(std::uint64_t id) const {
  std::shared_lock lock(mutex_);
  auto it = users_.find(id);
  if (it == users_.end()) return std::nullopt;
  return it->second;
}

std::optional<User> UserDirectory::FindOrReadThrough(std::uint64_t id) {
  if (auto user = FindById(id); user || !store_.clustered()) return user;
  std::uint64_t deletions_seen = 0;
  {
    std::shared_lock lock(mutex_);
    deletions_seen = deletions_;
  }
  std::optional<std::string> text;
  try {
    text = store_.Get(kUsersSpace, SequenceKey(id));
  } catch (const StoreError&) {
    return std::nullopt;
  }
  std::optional<User> user = text ? ParseUser(*text) : std::nullopt;
  if (!user || user->id != id) return std::nullopt;
  std::unique_lock lock(mutex_);
  if (deletions_ != deletions_seen) return std::nullopt;  // rare: the next request reads again
  if (auto it = users_.find(id); it != users_.end()) return it->second;
  InstallLocked(*user);
  return user;
}

std::optional<User> UserDirectory::FindByEmailOrReadThrough(std::string_view email,
                                                            std::int64_t now_ms) {
  if (auto user = FindByEmail(email); user || !store_.clustered()) return user;
  auto normalized = NormalizeEmail(email);
  if (!normalized) return std::nullopt;
  if (!email_scans_.Take(now_ms)) return std::nullopt;
  std::uint64_t deletions_seen = 0;
  {
    std::shared_lock lock(mutex_);
    deletions_seen = deletions_;
  }
  std::optional<User> found;
  try {
    store_.Scan(kUsersSpace, "", "", 0, false, [&](std::string_view, std::string_view value) {
      auto user = ParseUser(value);
      // The lowest id owns an address, as in Load.
      if (user && user->email == *normalized && (!found || user->id < found->id)) found = user;
      return true;
    });
  } catch (const StoreError&) {
    return std::nullopt;
  }
  if (!found) return std::nullopt;
  std::unique_lock lock(mutex_);
  if (deletions_ != deletions_seen) return std::nullopt;  // rare: the next attempt reads again
  if (users_.count(found->id) == 0) InstallLocked(*found);
  auto owner = id_by_email_.find(*normalized);
  if (owner == id_by_email_.end()) return std::nullopt;
  return users_.at(owner->second);
}

std::optional<User> UserDirectory::FindByEmail(std::string_view email) const {
  auto normalized = NormalizeEmail(email);
  if (!normalized) return std::nullopt;
  std::shared_lock lock(mutex_);
  auto it = id_by_email_.find(*normalized);
  if (it == id_by_email_.end()) return std::nullopt;
  return users_.at(it->second);
}

std::vector<User> UserDirectory::List() const {
  std::shared_lock lock(mutex_);
  std::vector<User> users;
  users.reserve(users_.size());
  for (const auto& [id, user] : users_) users.push_back(user);
  return users;
}

bool UserDirectory::AnyAdmin() const {
  std::shared_lock lock(mutex_);
  for (const auto& [id, user] : users_) {
    if (user.role == Role::kAdmin) return true;
  }
  return false;
}

std::size_t UserDirectory::size() const {
  std::shared_lock lock(mutex_);
  return users_.size();
}

bool UserDirectory::IsLastEnabledAdmin(const User& user) const {
  if (user.role != Role::kAdmin || user.disabled) return false;
  // Other masters' changes arrive without write_mutex_, so even the writer reads under a lock.
  std::shared_lock lock(mutex_);
  for (const auto& [id, other] : users_) {
    if (id != user.id && other.role == Role::kAdmin && !other.disabled) return false;
  }
  return true;
}

void UserDirectory::Persist(const User& user, std::optional<std::uint64_t> next_id, bool update) {
  std::vector<KvOp> ops;
  // An update never brings back a user that another master deleted meanwhile.
  ops.push_back(
      update ? KvOp::Update(std::string(kUsersSpace), SequenceKey(user.id), SerializeUser(user))
             : KvOp::Put(std::string(kUsersSpace), SequenceKey(user.id), SerializeUser(user)));
  if (next_id) {
    ops.push_back(
        KvOp::Put(std::string(kMetaSpace), std::string(kNextIdKey), std::to_string(*next_id)));
  }
  store_.Write(ops);
}

void UserDirectory::Install(const User& user) {
  std::unique_lock lock(mutex_);
  InstallLocked(user);
}

void UserDirectory::InstallLocked(const User& user) {
  auto old = users_.find(user.id);
  std::optional<std::string> old_email;
  if (old != users_.end() && old->second.email != user.email) old_email = old->second.email;
  users_[user.id] = user;
  // Two masters may briefly hold the same email under two ids (see Create): the lowest id
  // owns the address, as Load decides.
  auto owner = id_by_email_.find(user.email);
  if (owner == id_by_email_.end() || owner->second == user.id || users_.count(owner->second) == 0 ||
      users_.at(owner->second).email != user.email || user.id < owner->second) {
    id_by_email_[user.email] = user.id;
  }
  if (old_email) RepointEmail(*old_email);
}

void UserDirectory::RepointEmail(const std::string& email) {
  id_by_email_.erase(email);
  for (const auto& [id, user] : users_) {
    if (user.email == email) {
      id_by_email_.emplace(email, id);  // the first one is the lowest id
      return;
    }
  }
}

std::optional<User> UserDirectory::Current(std::uint64_t id) { return FindOrReadThrough(id); }

bool UserDirectory::EmailTakenByOther(const std::string& email, std::uint64_t id) {
  bool taken = false;
  store_.Scan(kUsersSpace, "", "", 0, false, [&](std::string_view, std::string_view value) {
    auto other = ParseUser(value);
    taken = other && other->id != id && other->email == email;
    return !taken;
  });
  return taken;
}

tl::expected<User, UserError> UserDirectory::Create(std::string_view email, Role role,
                                                    std::string password_hash,
                                                    std::int64_t now_ms) {
  auto normalized = NormalizeEmail(email);
  std::lock_guard write(write_mutex_);
  if (!normalized) return tl::make_unexpected(UserError::kInvalidEmail);
  if (FindByEmail(*normalized)) return tl::make_unexpected(UserError::kEmailTaken);
  const bool clustered = store_.clustered();
  User user;
  user.id = clustered ? store_.NextId(kUserIdSequence) : next_id_;
  user.email = *normalized;
  user.role = role;
  user.password_hash = std::move(password_hash);
  user.created_ms = now_ms;
  user.updated_ms = now_ms;
  if (!clustered) {
    Persist(user, next_id_ + 1, /*update=*/false);
    {
      std::unique_lock lock(mutex_);
      next_id_ += 1;
    }
    Install(user);
    return user;
  }
  // Another master may be creating the same email right now, and the store has no
  // insert-if-absent. So: write, then read the whole namespace; whoever sees another user with
  // the address backs out. Of two creators at most one keeps its row: the later of the two
  // writes is followed by a read that sees the earlier row (both may back out when their
  // writes come before both reads; then the admin simply tries again).
  Persist(user, std::nullopt, /*update=*/false);
  bool taken = false;
  try {
    taken = EmailTakenByOther(user.email, user.id);
  } catch (const StoreError&) {
    // Cannot tell whether another master has the address: withdraw rather than risk two
    // users with one email, and report the store's failure.
    try {
      store_.Write({KvOp::Delete(std::string(kUsersSpace), SequenceKey(user.id))});
    } catch (const StoreError&) {  // the first failure is the one to report
    }
    throw;
  }
  if (taken) {
    store_.Write({KvOp::Delete(std::string(kUsersSpace), SequenceKey(user.id))});
    return tl::make_unexpected(UserError::kEmailTaken);
  }
  Install(user);
  return user;
}

tl::expected<User, UserError> UserDirectory::Update(std::uint64_t id, const UserChange& change,
                                                    std::int64_t now_ms) {
  std::lock_guard write(write_mutex_);
  auto current = Current(id);
  if (!current) return tl::make_unexpected(UserError::kNotFound);
  User updated = *current;
  if (change.role) updated.role = *change.role;
  if (change.disabled) {
    if (*change.disabled && !updated.disabled) updated.generation += 1;
    updated.disabled = *change.disabled;
  }
  bool stays_enabled_admin = updated.role == Role::kAdmin && !updated.disabled;
  if (!stays_enabled_admin && IsLastEnabledAdmin(*current)) {
    return tl::make_unexpected(UserError::kLastAdmin);
  }
  updated.updated_ms = now_ms;
  Persist(updated, std::nullopt, store_.clustered());
  Install(updated);
  return updated;
}

tl::expected<User, UserError> UserDirectory::SetPasswordHash(std::uint64_t id,
                                                             std::string password_hash,
                                                             std::int64_t now_ms) {
  std::lock_guard write(write_mutex_);
  auto current = Current(id);
  if (!current) return tl::make_unexpected(UserError::kNotFound);
  User updated = *current;
  updated.password_hash = std::move(password_hash);
  updated.generation += 1;
  updated.updated_ms = now_ms;
  Persist(updated, std::nullopt, store_.clustered());
  Install(updated);
  return updated;
}

void UserDirectory::UpgradePasswordHash(std::uint64_t id, std::string_view old_hash,
                                        std::string new_hash) {
  std::lock_guard write(write_mutex_);
  auto current = Current(id);
  // A password changed meanwhile wins over the upgrade of the old one.
  if (!current || current->password_hash != old_hash) return;
  User updated = *current;
  updated.password_hash = std::move(new_hash);
  Persist(updated, std::nullopt, store_.clustered());
  Install(updated);
}

tl::expected<User, UserError> UserDirectory::Delete(std::uint64_t id) {
  std::lock_guard write(write_mutex_);
  auto current = Current(id);
  if (!current) return tl::make_unexpected(UserError::kNotFound);
  if (IsLastEnabledAdmin(*current)) return tl::make_unexpected(UserError::kLastAdmin);
  store_.Write({KvOp::Delete(std::string(kUsersSpace), SequenceKey(id))});
  std::unique_lock lock(mutex_);
  users_.erase(id);
  deletions_ += 1;
  RepointEmail(current->email);
  return *current;
}

RemoteUserChange UserDirectory::ApplyRemote(std::string_view key, std::string_view value,
                                            bool deleted) {
  RemoteUserChange change;
  std::uint64_t id = 0;
  auto [end, error] = std::from_chars(key.data(), key.data() + key.size(), id);
  if (error != std::errc() || end != key.data() + key.size()) return change;
  std::optional<User> user;
  if (!deleted) {
    user = ParseUser(value);
    if (!user || user->id != id) return change;  // not a row this plugin wrote
  }
  std::lock_guard loading(load_mutex_);
  std::unique_lock lock(mutex_);
  if (auto it = users_.find(id); it != users_.end()) change.before = it->second;
  if (user) {
    InstallLocked(*user);
    change.after = std::move(user);
    return change;
  }
  deletions_ += 1;
  if (change.before) {
    users_.erase(id);
    RepointEmail(change.before->email);
  }
  return change;
}

}  // namespace sr::auth
