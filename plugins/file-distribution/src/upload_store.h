// Resumable uploads. Each upload is a .part file that grows by chunks written at the offset
// the client names (which must be where the file ends: chunks arrive in order, and a client
// that lost track asks for the offset and resumes there), plus a JSON sidecar with what was
// declared. Both live in .uploads/, so uploads survive a restart; the part file's
// modification time is the upload's last activity, for expiry. Nothing is held in memory
// but the sessions' small descriptions.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "result.h"
#include "unique_fd.h"

namespace sr::file_distribution {

struct UploadLimits {
  std::uint64_t max_build_bytes = std::uint64_t{8} << 30;
  std::size_t max_uploads = 4;  // in progress at once
};

struct NewUpload {
  std::string version;
  std::uint64_t size = 0;
  std::string sha256;
  std::string uploaded_by;
};

struct UploadProgress {
  std::string upload_id;
  std::string version;
  std::uint64_t size = 0;
  std::uint64_t received = 0;
  std::string sha256;
  std::string uploaded_by;
};

class UploadStore {
 public:
  UploadStore(int folder_fd, UploadLimits limits);
  UploadStore(const UploadStore&) = delete;
  UploadStore& operator=(const UploadStore&) = delete;

  // Picks up the uploads of an earlier run; returns what to warn about.
  std::vector<std::string> Load();

  Result<UploadProgress> Create(const NewUpload& upload);
  // Writes `bytes` at `offset`, which must equal the bytes received so far (kConflict with
  // `received` otherwise). The chunk is on disk (fdatasync) before this returns.
  Result<UploadProgress> Append(std::string_view id, std::uint64_t offset, std::string_view bytes);
  Result<UploadProgress> Progress(std::string_view id) const;
  Status Abort(std::string_view id);

  // Commit protocol: Claim a complete upload (chunks and aborts are then refused), verify
  // and move its part file away, then Finish; or Release it (the failure was not the
  // upload's fault) or Discard it (its bytes are wrong).
  Result<UploadProgress> Claim(std::string_view id);
  void Release(std::string_view id);
  void Finish(std::string_view id);
  void Discard(std::string_view id);

  Result<UniqueFd> OpenPart(std::string_view id) const;
  int folder_fd() const { return folder_fd_; }

  // Removes uploads whose last chunk arrived before `cutoff_unix_seconds`; returns them.
  std::vector<UploadProgress> ExpireIdleSince(std::int64_t cutoff_unix_seconds);
  std::size_t Count() const;

 private:
  struct Session {
    std::mutex mutex;  // one chunk, commit or abort at a time
    UploadProgress progress;
    bool claimed = false;
    bool gone = false;  // removed while a caller waited for the mutex
  };
  using SessionPtr = std::shared_ptr<Session>;

  SessionPtr Get(std::string_view id) const;
  // Deletes the files and forgets the session; its mutex must be held.
  void RemoveLocked(Session& session);
  Status WriteSidecar(const UploadProgress& progress) const;
  Result<UploadProgress> LoadOne(const std::string& id, std::vector<std::string>& warnings);

  int folder_fd_;
  UploadLimits limits_;
  mutable std::mutex mutex_;  // guards sessions_
  std::map<std::string, SessionPtr, std::less<>> sessions_;
};

}  // namespace sr::file_distribution
