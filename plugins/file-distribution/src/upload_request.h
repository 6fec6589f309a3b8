// The inputs of the upload protocol, parsed and validated before anything touches the disk.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "result.h"
#include "upload_store.h"

namespace sr::file_distribution {

// {"version": "...", "size": N, "sha256": "<hex>"} -> NewUpload (uploaded_by left empty).
Result<NewUpload> ParseNewUpload(std::string_view json);

// The ?offset= of a chunk: required, decimal.
Result<std::uint64_t> ParseOffset(std::optional<std::string_view> text);

}  // namespace sr::file_distribution
