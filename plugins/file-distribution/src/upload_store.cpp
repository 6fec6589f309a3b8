#include "upload_store.h"

#include <fcntl.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <set>

#include "build_folder.h"
#include "durable_file.h"
#include "names.h"

namespace sr::file_distribution {

namespace {

constexpr std::size_t kMaxSidecarBytes = 64 << 10;
constexpr std::string_view kSidecarSuffix = ".json";
constexpr std::string_view kPartSuffix = ".part";

tl::unexpected<Error> UnknownUpload(std::string_view id) {
  return MakeError(ErrorKind::kNotFound,
                   "no upload " + std::string(id) + " (finished, aborted or expired)");
}

std::string SidecarJson(const UploadProgress& progress) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  auto text = [&](const char* key, const std::string& value) {
    writer.Key(key);
    writer.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
  };
  writer.StartObject();
  text("upload_id", progress.upload_id);
  text("version", progress.version);
  writer.Key("size");
  writer.Uint64(progress.size);
  text("sha256", progress.sha256);
  text("uploaded_by", progress.uploaded_by);
  writer.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

std::optional<std::string> StringMember(const rapidjson::Value& object, const char* name) {
  auto member = object.FindMember(name);
  if (member == object.MemberEnd() || !member->value.IsString()) return std::nullopt;
  return std::string(member->value.GetString(), member->value.GetStringLength());
}

std::optional<UploadProgress> ParseSidecar(std::string_view json, const std::string& id) {
  rapidjson::Document document;
  document.Parse(json.data(), json.size());
  if (document.HasParseError() || !document.IsObject()) return std::nullopt;
  UploadProgress progress;
  progress.upload_id = StringMember(document, "upload_id").value_or("");
  progress.version = StringMember(document, "version").value_or("");
  auto sha = NormalizeSha256(StringMember(document, "sha256").value_or(""));
  auto size = document.FindMember("size");
  if (progress.upload_id != id || !IsValidVersion(progress.version) || !sha ||
      size == document.MemberEnd() || !size->value.IsUint64() || size->value.GetUint64() == 0) {
    return std::nullopt;
  }
  progress.sha256 = *sha;
  progress.size = size->value.GetUint64();
  progress.uploaded_by = StringMember(document, "uploaded_by").value_or("");
  return progress;
}

bool EndsWith(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

}  // namespace

UploadStore::UploadStore(int folder_fd, UploadLimits limits)
    : folder_fd_(folder_fd), limits_(limits) {}

std::vector<std::string> UploadStore::Load() {
  std::vector<std::string> warnings;
  Result<std::vector<std::string>> names = ListFolder(folder_fd_);
  if (!names.has_value()) return {names.error().message};
  std::set<std::string> described;  // ids with a sidecar, loaded or dropped
  for (const std::string& name : names.value()) {
    if (!EndsWith(name, kSidecarSuffix)) continue;
    std::string id = name.substr(0, name.size() - kSidecarSuffix.size());
    if (!IsValidUploadId(id)) continue;
    described.insert(id);
    Result<UploadProgress> progress = LoadOne(id, warnings);
    if (!progress.has_value()) continue;
    auto session = std::make_shared<Session>();
    session->progress = std::move(progress.value());
    std::lock_guard<std::mutex> lock(mutex_);
    sessions_.emplace(id, std::move(session));
  }
  for (const std::string& name : names.value()) {
    if (!EndsWith(name, kPartSuffix)) continue;
    std::string id = name.substr(0, name.size() - kPartSuffix.size());
    if (!IsValidUploadId(id) || described.count(id) > 0) continue;
    RemoveFile(folder_fd_, name);
    warnings.push_back("removed " + std::string(kUploadsFolderName) + "/" + name +
                       ": an upload without its description");
  }
  return warnings;
}

Result<UploadProgress> UploadStore::LoadOne(const std::string& id,
                                            std::vector<std::string>& warnings) {
  const std::string where = std::string(kUploadsFolderName) + "/";
  auto drop = [&](const std::string& why) {
    RemoveFile(folder_fd_, PartFileName(id));
    RemoveFile(folder_fd_, SidecarFileName(id));
    warnings.push_back("dropped upload " + id + ": " + why);
    return MakeError(ErrorKind::kInternal, why);
  };
  Result<std::string> text = ReadSmallFile(folder_fd_, SidecarFileName(id), kMaxSidecarBytes);
  if (!text.has_value()) return drop(text.error().message);
  std::optional<UploadProgress> progress = ParseSidecar(text.value(), id);
  if (!progress) return drop(where + SidecarFileName(id) + " is damaged");
  struct stat info {};
  if (::fstatat(folder_fd_, PartFileName(id).c_str(), &info, AT_SYMLINK_NOFOLLOW) != 0 ||
      !S_ISREG(info.st_mode)) {
    return drop(where + PartFileName(id) + " is missing");
  }
  progress->received = static_cast<std::uint64_t>(info.st_size);
  if (progress->received > progress->size) return drop("more bytes than declared");
  return *progress;
}

Result<UploadProgress> UploadStore::Create(const NewUpload& upload) {
  if (!IsValidVersion(upload.version)) {
    return MakeError(ErrorKind::kInvalidArgument,
                     "version must match ^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$");
  }
  std::optional<std::string> sha256 = NormalizeSha256(upload.sha256);
  if (!sha256) {
    return MakeError(ErrorKind::kInvalidArgument, "sha256 must be 64 hexadecimal characters");
  }
  if (upload.size == 0) return MakeError(ErrorKind::kInvalidArgument, "size must be positive");
  if (upload.size > limits_.max_build_bytes) {
    return MakeError(ErrorKind::kTooLarge, "a build may have at most " +
                                               std::to_string(limits_.max_build_bytes) + " bytes");
  }
  std::lock_guard<std::mutex> lock(mutex_);
  if (sessions_.size() >= limits_.max_uploads) {
    return MakeError(ErrorKind::kTooMany, std::to_string(sessions_.size()) +
                                              " uploads are in progress; finish or abort one");
  }
  for (const auto& [id, session] : sessions_) {
    // Only the map's own copy of the version is read, which never changes.
    if (session->progress.version == upload.version) {
      return MakeError(ErrorKind::kConflict, "version " + upload.version +
                                                 " is already being uploaded (upload " + id +
                                                 "); resume or abort that upload");
    }
  }
  struct statvfs space {};
  if (::fstatvfs(folder_fd_, &space) == 0 &&
      static_cast<std::uint64_t>(space.f_bavail) * space.f_frsize < upload.size) {
    return MakeError(ErrorKind::kInsufficientStorage,
                     "not enough disk space for " + std::to_string(upload.size) + " bytes");
  }
  std::optional<std::string> id = NewUploadId();
  if (!id) return MakeError(ErrorKind::kInternal, "no randomness for an upload id");
  UniqueFd part(::openat(folder_fd_, PartFileName(*id).c_str(),
                         O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644));
  if (!part.valid()) return tl::make_unexpected(IoError("create the upload file", errno));
  auto session = std::make_shared<Session>();
  session->progress =
      UploadProgress{*id, upload.version, upload.size, 0, *sha256, upload.uploaded_by};
  Status written = WriteSidecar(session->progress);
  if (!written.has_value()) {
    RemoveFile(folder_fd_, PartFileName(*id));
    return tl::make_unexpected(written.error());
  }
  sessions_.emplace(*id, session);
  return session->progress;
}

Result<UploadProgress> UploadStore::Append(std::string_view id, std::uint64_t offset,
                                           std::string_view bytes) {
  SessionPtr session = Get(id);
  if (session == nullptr) return UnknownUpload(id);
  std::lock_guard<std::mutex> lock(session->mutex);
  UploadProgress& progress = session->progress;
  if (session->gone) return UnknownUpload(id);
  if (session->claimed) {
    return MakeError(ErrorKind::kConflict, "upload " + progress.upload_id + " is being committed");
  }
  if (offset != progress.received) {
    return tl::make_unexpected(Error{ErrorKind::kConflict,
                                     "offset " + std::to_string(offset) +
                                         " is not where the upload continues; resume at offset " +
                                         std::to_string(progress.received),
                                     progress.received});
  }
  if (bytes.empty()) return MakeError(ErrorKind::kInvalidArgument, "the chunk is empty");
  if (bytes.size() > progress.size - progress.received) {
    return MakeError(ErrorKind::kInvalidArgument,
                     "the chunk ends at byte " + std::to_string(offset + bytes.size()) +
                         ", past the declared size " + std::to_string(progress.size));
  }
  UniqueFd part(::openat(folder_fd_, PartFileName(progress.upload_id).c_str(),
                         O_WRONLY | O_NOFOLLOW | O_CLOEXEC));
  if (!part.valid()) return tl::make_unexpected(IoError("open the upload file", errno));
  Status written = WriteAllAt(part.get(), bytes, offset);
  if (written.has_value() && ::fdatasync(part.get()) != 0) {
    written = tl::make_unexpected(IoError("fdatasync", errno));
  }
  if (!written.has_value()) {
    // Leave the file where the client will resume.
    if (::ftruncate(part.get(), static_cast<off_t>(progress.received)) != 0) {
      return tl::make_unexpected(IoError("truncate after a failed write", errno));
    }
    return tl::make_unexpected(written.error());
  }
  progress.received += bytes.size();
  return progress;
}

Result<UploadProgress> UploadStore::Progress(std::string_view id) const {
  SessionPtr session = Get(id);
  if (session == nullptr) return UnknownUpload(id);
  std::lock_guard<std::mutex> lock(session->mutex);
  if (session->gone) return UnknownUpload(id);
  return session->progress;
}

Status UploadStore::Abort(std::string_view id) {
  SessionPtr session = Get(id);
  if (session == nullptr) return UnknownUpload(id);
  std::lock_guard<std::mutex> lock(session->mutex);
  if (session->gone) return UnknownUpload(id);
  if (session->claimed) {
    return MakeError(ErrorKind::kConflict, "upload " + std::string(id) + " is being committed");
  }
  RemoveLocked(*session);
  return {};
}

Result<UploadProgress> UploadStore::Claim(std::string_view id) {
  SessionPtr session = Get(id);
  if (session == nullptr) return UnknownUpload(id);
  std::lock_guard<std::mutex> lock(session->mutex);
  const UploadProgress& progress = session->progress;
  if (session->gone) return UnknownUpload(id);
  if (session->claimed) {
    return MakeError(ErrorKind::kConflict, "upload " + std::string(id) + " is being committed");
  }
  if (progress.received != progress.size) {
    return tl::make_unexpected(Error{ErrorKind::kUnprocessable,
                                     "received " + std::to_string(progress.received) + " of " +
                                         std::to_string(progress.size) +
                                         " bytes; send the rest, then commit",
                                     progress.received});
  }
  session->claimed = true;
  return progress;
}

void UploadStore::Release(std::string_view id) {
  if (SessionPtr session = Get(id)) {
    std::lock_guard<std::mutex> lock(session->mutex);
    session->claimed = false;
  }
}

void UploadStore::Finish(std::string_view id) { Discard(id); }

void UploadStore::Discard(std::string_view id) {
  if (SessionPtr session = Get(id)) {
    std::lock_guard<std::mutex> lock(session->mutex);
    if (!session->gone) RemoveLocked(*session);
  }
}

Result<UniqueFd> UploadStore::OpenPart(std::string_view id) const {
  if (!IsValidUploadId(id)) return UnknownUpload(id);
  UniqueFd part(::openat(folder_fd_, PartFileName(id).c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  if (!part.valid()) return tl::make_unexpected(IoError("open the upload file", errno));
  return part;
}

std::vector<UploadProgress> UploadStore::ExpireIdleSince(std::int64_t cutoff_unix_seconds) {
  std::vector<SessionPtr> sessions;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& [id, session] : sessions_) sessions.push_back(session);
  }
  std::vector<UploadProgress> expired;
  for (const SessionPtr& session : sessions) {
    // A session busy with a chunk or a commit is active by definition.
    std::unique_lock<std::mutex> lock(session->mutex, std::try_to_lock);
    if (!lock.owns_lock() || session->gone || session->claimed) continue;
    struct stat info {};
    bool present = ::fstatat(folder_fd_, PartFileName(session->progress.upload_id).c_str(), &info,
                             AT_SYMLINK_NOFOLLOW) == 0;
    if (present && info.st_mtim.tv_sec >= cutoff_unix_seconds) continue;
    expired.push_back(session->progress);
    RemoveLocked(*session);
  }
  return expired;
}

std::size_t UploadStore::Count() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return sessions_.size();
}

UploadStore::SessionPtr UploadStore::Get(std::string_view id) const {
  if (!IsValidUploadId(id)) return nullptr;
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = sessions_.find(id);
  return it == sessions_.end() ? nullptr : it->second;
}

void UploadStore::RemoveLocked(Session& session) {
  const std::string& id = session.progress.upload_id;
  RemoveFile(folder_fd_, PartFileName(id));
  RemoveFile(folder_fd_, SidecarFileName(id));
  session.gone = true;
  std::lock_guard<std::mutex> lock(mutex_);
  sessions_.erase(id);
}

Status UploadStore::WriteSidecar(const UploadProgress& progress) const {
  return WriteFileAtomically(folder_fd_, SidecarFileName(progress.upload_id),
                             SidecarJson(progress));
}

}  // namespace sr::file_distribution
