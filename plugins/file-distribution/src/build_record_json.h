// A BuildRecord as a JSON object, shared by builds/index.json and the cluster's metadata rows
// (cluster_rows.h), so that both keep one spelling of a build.
#pragma once

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "build_record.h"
#include "result.h"

namespace sr::file_distribution {

// Refuses an invalid version or digest, or a missing size (kInternal: stored data is damaged).
// Members it does not know are ignored.
Result<BuildRecord> ReadBuildRecord(const rapidjson::Value& value);

// Writes the record's members into an object the caller has started.
void WriteBuildRecordMembers(rapidjson::Writer<rapidjson::StringBuffer>& writer,
                             const BuildRecord& record);

}  // namespace sr::file_distribution
