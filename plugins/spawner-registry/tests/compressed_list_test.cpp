#include "compressed_list.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <thread>

namespace sr::spawner_registry {
namespace {

std::string Gunzip(const std::string& data) {
  z_stream stream{};
  inflateInit2(&stream, 15 + 16);
  std::string out(1 << 22, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(inflate(&stream, Z_FINISH), Z_STREAM_END);
  out.resize(stream.total_out);
  inflateEnd(&stream);
  return out;
}

TEST(CompressedList, GzipRoundTripsAndShrinksJson) {
  std::string json = "[";
  for (int i = 0; i < 2000; ++i) {
    json += "{\"id\":" + std::to_string(i) + ",\"region\":\"eu-west\",\"status\":\"active\"},";
  }
  json.back() = ']';
  std::string compressed = Gzip(json);
  EXPECT_LT(compressed.size(), json.size() / 5);
  EXPECT_EQ(Gunzip(compressed), json);
}

TEST(CompressedList, CompressesEachListOnceAndServesWaiters) {
  CompressedList cache;
  auto first = std::make_shared<const std::string>(std::string(10000, 'a'));
  bool must_compress = false;
  int served = 0;
  CompressedList::Source got;
  EXPECT_EQ(cache.GetOrWait(
                first,
                [&](const CompressedList::Source& gzip) {
                  ++served;
                  got = gzip;
                },
                must_compress),
            nullptr);
  EXPECT_TRUE(must_compress);
  bool second_must = true;
  cache.GetOrWait(
      first, [&](const CompressedList::Source&) { ++served; }, second_must);
  EXPECT_FALSE(second_must);  // one compression at a time
  std::thread worker([&] { cache.Compress(); });
  worker.join();
  EXPECT_EQ(served, 2);
  ASSERT_NE(got, nullptr);
  EXPECT_EQ(Gunzip(*got), *first);
  EXPECT_EQ(cache.Ready(first), got);
  auto newer = std::make_shared<const std::string>(std::string(10000, 'b'));
  EXPECT_EQ(cache.Ready(newer), nullptr);
}

TEST(CompressedList, AcceptEncoding) {
  EXPECT_TRUE(AcceptsGzip("gzip"));
  EXPECT_TRUE(AcceptsGzip("deflate, GZIP;q=0.8"));
  EXPECT_TRUE(AcceptsGzip("br, *"));
  EXPECT_FALSE(AcceptsGzip(""));
  EXPECT_FALSE(AcceptsGzip("deflate, br"));
  EXPECT_FALSE(AcceptsGzip("gzip;q=0"));
  EXPECT_FALSE(AcceptsGzip("gzip; q=0.000"));
}

}  // namespace
}  // namespace sr::spawner_registry
