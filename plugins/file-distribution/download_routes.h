// The spawners' side: GET (and HEAD) /api/spawners/download and its manifest.
#pragma once

#include <sr/metrics.hpp>
#include <sr/plugin.hpp>
#include <string>

#include "served_build.h"

namespace sr::file_distribution {

class DownloadRoutes {
 public:
  // `folder` is the absolute folder path, named in the 404 that says where a build goes.
  DownloadRoutes(sr::Host& host, ServedBuild& served, std::string folder);
  DownloadRoutes(const DownloadRoutes&) = delete;
  DownloadRoutes& operator=(const DownloadRoutes&) = delete;

  void Add();

 private:
  void Download(sr::Request& request, sr::Response& response);
  void Manifest(sr::Request& request, sr::Response& response);
  void AnswerDownload(sr::Request& request, sr::Response& response, Result<ResolvedBuild> served);
  void AnswerManifest(sr::Request& request, sr::Response& response, Result<ResolvedBuild> served);
  // The headers and body of a download of `served`: 200, 206, 304 or 416.
  void SendBuild(const sr::Request& request, sr::Response& response, ResolvedBuild& served);
  void WriteFailure(sr::Response& response, const Error& error) const;

  sr::Host& host_;
  ServedBuild& served_;
  std::string folder_;
  sr::Counter download_bytes_;  // body bytes of builds handed to the host to send
};

}  // namespace sr::file_distribution
