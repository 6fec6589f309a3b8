#include "compressed_list.h"

#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace sr::spawner_registry {

CompressedList::Source CompressedList::Ready(const Source& source) {
  std::lock_guard<std::mutex> lock(mutex_);
  return source_ == source ? gzip_ : nullptr;
}

CompressedList::Source CompressedList::GetOrWait(const Source& source, Waiter waiter,
                                                 bool& must_compress) {
  std::lock_guard<std::mutex> lock(mutex_);
  must_compress = false;
  if (source_ == source && gzip_) return gzip_;
  waiters_.emplace_back(source, std::move(waiter));
  if (!compressing_) {
    compressing_ = true;
    must_compress = true;
  }
  return nullptr;
}

void CompressedList::Compress() {
  while (true) {
    std::vector<Waiter> served;
    Source copy;
    Source wanted;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      for (auto it = waiters_.begin(); it != waiters_.end();) {
        if (gzip_ && it->first == source_) {
          served.push_back(std::move(it->second));
          it = waiters_.erase(it);
        } else {
          ++it;
        }
      }
      copy = gzip_;
      if (waiters_.empty()) {
        compressing_ = false;
      } else {
        wanted = waiters_.back().first;  // the newest list anyone asked for
      }
    }
    for (auto& waiter : served) waiter(copy);  // outside the lock: they complete responses
    if (!wanted) return;
    auto gzip = std::make_shared<const std::string>(Gzip(*wanted));
    std::lock_guard<std::mutex> lock(mutex_);
    source_ = std::move(wanted);
    gzip_ = std::move(gzip);
  }
}

std::string Gzip(std::string_view data) {
  z_stream stream{};
  // 15 window bits + 16: a gzip wrapper rather than zlib's.
  if (deflateInit2(&stream, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw std::runtime_error("deflateInit2 failed");
  }
  std::string out(deflateBound(&stream, static_cast<uLong>(data.size())), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  int result = deflate(&stream, Z_FINISH);
  deflateEnd(&stream);
  if (result != Z_STREAM_END) throw std::runtime_error("deflate failed");
  out.resize(stream.total_out);
  return out;
}

std::size_t CompressedList::CachedBytes() {
  std::lock_guard<std::mutex> lock(mutex_);
  return gzip_ != nullptr ? gzip_->capacity() : 0;
}

bool AcceptsGzip(std::string_view accept_encoding) {
  size_t start = 0;
  while (start <= accept_encoding.size()) {
    size_t end = accept_encoding.find(',', start);
    std::string_view item = accept_encoding.substr(
        start, end == std::string_view::npos ? std::string_view::npos : end - start);
    auto trim = [](std::string_view text) {
      while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
      while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
      return text;
    };
    size_t semicolon = item.find(';');
    std::string_view coding = trim(item.substr(0, semicolon));
    std::string lower(coding);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (lower == "gzip" || lower == "*") {
      std::string_view parameters =
          semicolon == std::string_view::npos ? std::string_view() : item.substr(semicolon + 1);
      std::string compact;
      for (char c : parameters) {
        if (c != ' ' && c != '\t') compact += c;
      }
      bool refused = compact == "q=0" || compact == "q=0.0" || compact == "q=0.00" ||
                     compact == "q=0.000";
      return !refused;
    }
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return false;
}

}  // namespace sr::spawner_registry
