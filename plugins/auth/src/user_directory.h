// Dashboard users: an in-memory directory (guards read it on I/O threads without touching
// the disk) written through to the key-value store. Ids are never reused: with a clustered
// store they come from the cluster-wide sequence "auth_user_id", and the owner feeds the other
// masters' changes to ApplyRemote.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <sr/read_budget.hpp>
#include <tl/expected.hpp>

#include "key_value_store.h"
#include "roles.h"

namespace sr::auth {

struct User {
  std::uint64_t id = 0;
  std::string email;  // normalised: trimmed, lower-case
  Role role = Role::kViewer;
  std::string password_hash;
  bool disabled = false;
  // Bumped when the password changes or the user is disabled; a session made under an older
  // generation is no longer valid.
  std::uint64_t generation = 1;
  std::int64_t created_ms = 0;
  std::int64_t updated_ms = 0;
};

struct UserChange {
  std::optional<Role> role;
  std::optional<bool> disabled;
};

enum class UserError {
  kNotFound,
  kInvalidEmail,
  kEmailTaken,
  kLastAdmin,  // the change would leave no enabled admin
};

// What a change made on another master did: the user before and after (either may be absent).
struct RemoteUserChange {
  std::optional<User> before;
  std::optional<User> after;
};

// The email in canonical form, or nullopt if it does not look like an address.
std::optional<std::string> NormalizeEmail(std::string_view email);

class UserDirectory {
 public:
  static constexpr std::string_view kUsersSpace = "auth_users";
  static constexpr std::string_view kMetaSpace = "auth_meta";
  // Clustered stores: scans for an unknown address a second at most, in bursts of kScanBurst.
  // Users made on other masters arrive here within about a second anyway.
  static constexpr std::uint32_t kScansPerSecond = 20;
  static constexpr std::uint32_t kScanBurst = 40;

  explicit UserDirectory(KeyValueStore& store);

  // Reads every stored user. Throws StoreError.
  void Load();

  std::optional<User> FindById(std::uint64_t id) const;
  // FindById, but with a clustered store a user unknown here is read from the store (made on
  // another master, its change not delivered yet). A store failure counts as unknown.
  std::optional<User> FindOrReadThrough(std::uint64_t id);
  // FindByEmail, but with a clustered store an address unknown here is looked for in the store
  // (a sign-in right after the user was made on another master, before its change arrived).
  // Reads the whole namespace: call it behind the login throttle. A store failure counts as
  // unknown, and so does an address met while the scan budget is spent (kScansPerSecond: the
  // throttle counts per address and account, and a flood from many addresses must not turn
  // into a scan of the users each).
  std::optional<User> FindByEmailOrReadThrough(std::string_view email, std::int64_t now_ms);
  std::optional<User> FindByEmail(std::string_view email) const;
  std::vector<User> List() const;  // by id
  bool AnyAdmin() const;
  std::size_t size() const;

  // Mutations write through to the store before they become visible; each throws
  // StoreError when the store fails (and then changes nothing).
  tl::expected<User, UserError> Create(std::string_view email, Role role, std::string password_hash,
                                       std::int64_t now_ms);
  tl::expected<User, UserError> Update(std::uint64_t id, const UserChange& change,
                                       std::int64_t now_ms);
  tl::expected<User, UserError> SetPasswordHash(std::uint64_t id, std::string password_hash,
                                                std::int64_t now_ms);
  // Replaces the hash without ending sessions (a rehash after a successful login).
  void UpgradePasswordHash(std::uint64_t id, std::string_view old_hash, std::string new_hash);
  tl::expected<User, UserError> Delete(std::uint64_t id);

  // A change another master made to kUsersSpace (key: the user's SequenceKey). Never blocks
  // on the store and does not take write_mutex_ (it runs on the store's change thread, which
  // must not wait for a write of ours). Rows that do not parse are ignored.
  RemoteUserChange ApplyRemote(std::string_view key, std::string_view value, bool deleted);

 private:
  bool IsLastEnabledAdmin(const User& user) const;  // with write_mutex_ held
  // `update`: write only if the row still exists (clustered stores).
  void Persist(const User& user, std::optional<std::uint64_t> next_id, bool update);
  void Install(const User& user);
  void InstallLocked(const User& user);         // with mutex_ held exclusively
  void RepointEmail(const std::string& email);  // with mutex_ held exclusively
  // The user a mutation starts from: in a cluster, also one made on another master a moment ago.
  std::optional<User> Current(std::uint64_t id);
  // True when the store holds another user with `email` (clustered Create). Throws StoreError.
  bool EmailTakenByOther(const std::string& email, std::uint64_t id);

  KeyValueStore& store_;
  std::mutex write_mutex_;  // serialises mutations, held across the store write
  // Held by Load across its read and by ApplyRemote: a change another master makes while we
  // read is applied on top of what was read, never overwritten by it.
  std::mutex load_mutex_;
  mutable std::shared_mutex mutex_;  // guards the maps below
  std::map<std::uint64_t, User> users_;
  std::unordered_map<std::string, std::uint64_t> id_by_email_;
  std::uint64_t next_id_ = 1;
  // Counts deletions, so that a read-through racing with one does not bring the user back.
  std::uint64_t deletions_ = 0;
  ReadBudget email_scans_{kScansPerSecond, kScanBurst};  // clustered only
};

}  // namespace sr::auth
