#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sr::spawner_registry {

// Gzip copies of the shared spawner list, for clients that accept gzip: a 10,000-spawner
// list is 1.8 MB of JSON but about a tenth of that compressed, which is what decides how
// many lists per second a server can send. Each distinct list is compressed once, off the
// I/O threads, and the copy is shared like the list itself.
class CompressedList {
 public:
  using Source = std::shared_ptr<const std::string>;
  using Waiter = std::function<void(const Source& gzip)>;

  // The gzip of `source` if it is ready, else null.
  Source Ready(const Source& source);
  // The gzip of `source` if it is ready. Otherwise queues `waiter` and returns null;
  // `must_compress` then says whether the caller must arrange a Compress() off the I/O thread.
  // The bytes of the compressed copy held (0 when none).
  std::size_t CachedBytes();
  Source GetOrWait(const Source& source, Waiter waiter, bool& must_compress);
  // Compresses every list a waiter needs and serves the waiters.
  void Compress();

 private:
  std::mutex mutex_;
  Source source_;  // the list the current copy was made from
  Source gzip_;
  std::vector<std::pair<Source, Waiter>> waiters_;
  bool compressing_ = false;
};

// `data` as a gzip stream (RFC 1952). Level 1: these copies are made on every change.
std::string Gzip(std::string_view data);

// True if an Accept-Encoding header value admits gzip (a q=0 refuses it).
bool AcceptsGzip(std::string_view accept_encoding);

}  // namespace sr::spawner_registry
