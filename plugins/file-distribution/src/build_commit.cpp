#include "build_commit.h"

#include <unistd.h>

#include <cerrno>

#include <sr/rfc3339.hpp>

#include "durable_file.h"
#include "names.h"
#include "sha256.h"
#include "time_format.h"
#include "zip_directory.h"

namespace sr::file_distribution {

namespace {

// Claims the upload for the duration of the commit; gives it back unless told otherwise.
class CommitClaim {
 public:
  CommitClaim(UploadStore& uploads, std::string_view id) : uploads_(uploads), id_(id) {}
  CommitClaim(const CommitClaim&) = delete;
  CommitClaim& operator=(const CommitClaim&) = delete;
  CommitClaim(CommitClaim&&) = delete;
  CommitClaim& operator=(CommitClaim&&) = delete;
  ~CommitClaim() {
    switch (outcome_) {
      case Outcome::kRelease:
        uploads_.Release(id_);
        break;
      case Outcome::kDiscard:
        uploads_.Discard(id_);
        break;
      case Outcome::kFinish:
        uploads_.Finish(id_);
        break;
    }
  }
  tl::unexpected<Error> Discard(tl::unexpected<Error> failure) {
    outcome_ = Outcome::kDiscard;
    failure.value().message += "; the upload was discarded, start a new one";
    return failure;
  }
  void Finish() { outcome_ = Outcome::kFinish; }

 private:
  enum class Outcome { kRelease, kDiscard, kFinish };
  UploadStore& uploads_;
  std::string id_;
  Outcome outcome_ = Outcome::kRelease;
};

}  // namespace

Result<CommittedBuild> CommitUpload(UploadStore& uploads, BuildStore& builds,
                                    std::string_view upload_id, std::int64_t now_unix_seconds,
                                    InstallMode mode, const BuildPublisher& publish) {
  Result<UploadProgress> claimed = uploads.Claim(upload_id);
  if (!claimed.has_value()) return tl::make_unexpected(claimed.error());
  const UploadProgress& upload = claimed.value();
  CommitClaim claim(uploads, upload_id);
  if (builds.HasVersion(upload.version)) {
    return MakeError(ErrorKind::kConflict, "build " + upload.version + " already exists");
  }
  Result<UniqueFd> part = uploads.OpenPart(upload_id);
  if (!part.has_value()) return tl::make_unexpected(part.error());
  Result<std::string> digest = Sha256OfFile(part.value().get(), upload.size);
  if (!digest.has_value()) return tl::make_unexpected(digest.error());
  if (digest.value() != upload.sha256) {
    return claim.Discard(
        MakeError(ErrorKind::kUnprocessable,
                  "SHA-256 mismatch: declared " + upload.sha256 + ", received " + digest.value()));
  }
  Result<ZipSummary> zip = CheckZipDirectory(part.value().get(), upload.size);
  if (!zip.has_value()) {
    if (zip.error().kind != ErrorKind::kUnprocessable) return tl::make_unexpected(zip.error());
    return claim.Discard(tl::make_unexpected(zip.error()));
  }
  if (zip.value().entries == 0) {
    return claim.Discard(MakeError(ErrorKind::kUnprocessable, "the zip has no entries"));
  }
  if (::fsync(part.value().get()) != 0) {
    return tl::make_unexpected(IoError("fsync the upload", errno));
  }
  BuildRecord build{upload.version, upload.size, upload.sha256, upload.uploaded_by,
                    sr::Rfc3339Seconds(now_unix_seconds)};
  if (publish) {
    Status published = publish(part.value().get(), build, mode);
    if (!published.has_value()) return tl::make_unexpected(published.error());
  }
  Result<Activation> installed =
      builds.Install(uploads.folder_fd(), PartFileName(upload_id), std::move(build), mode);
  if (!installed.has_value()) {
    // Once the file has moved to builds/, the upload is over whatever else failed.
    if (installed.error().kind != ErrorKind::kConflict &&
        ::faccessat(uploads.folder_fd(), PartFileName(upload_id).c_str(), F_OK, 0) != 0) {
      claim.Finish();
    }
    return tl::make_unexpected(installed.error());
  }
  claim.Finish();
  return CommittedBuild{std::move(installed.value()), zip.value().entries};
}

}  // namespace sr::file_distribution
