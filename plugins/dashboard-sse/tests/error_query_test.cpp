#include "error_query.h"

#include <gtest/gtest.h>

#include <map>

#include "json_test_util.h"

namespace sr::dashboard {
namespace {

using testing::Parse;

ErrorQueryParse ParseParams(const std::map<std::string, std::string>& params) {
  return ParseErrorQuery([&](std::string_view name) -> std::optional<std::string_view> {
    auto it = params.find(std::string(name));
    if (it == params.end()) return std::nullopt;
    return std::string_view(it->second);
  });
}

std::vector<ErrorRecord> NewestFirst() {
  std::vector<ErrorRecord> records;
  for (std::uint64_t sequence = 10; sequence >= 1; --sequence) {
    int status = sequence % 2 == 0 ? 404 : 500;
    std::string path = sequence % 3 == 0 ? "/api/Spawners/" + std::to_string(sequence) : "/x";
    records.push_back(ErrorRecord{sequence, status,
                                  1700000000000 + static_cast<std::int64_t>(sequence), "GET", path,
                                  "msg", "127.0.0.1"});
  }
  return records;
}

TEST(ErrorQuery, DefaultsWhenNoParameters) {
  auto parsed = ParseParams({});
  ASSERT_TRUE(parsed.query);
  EXPECT_EQ(parsed.query->limit, ErrorQuery::kDefaultLimit);
  EXPECT_FALSE(parsed.query->status);
  EXPECT_FALSE(parsed.query->before);
}

TEST(ErrorQuery, ParsesEveryParameter) {
  auto parsed =
      ParseParams({{"limit", "5"}, {"status", "404"}, {"path", "spawn"}, {"before", "9"}});
  ASSERT_TRUE(parsed.query);
  EXPECT_EQ(parsed.query->limit, 5u);
  EXPECT_EQ(parsed.query->status, 404);
  EXPECT_EQ(parsed.query->path_contains, "spawn");
  EXPECT_EQ(parsed.query->before, 9u);
  auto by_class = ParseParams({{"status", "5xx"}});
  ASSERT_TRUE(by_class.query);
  EXPECT_EQ(by_class.query->status_class, 5);
  EXPECT_TRUE(ParseParams({{"status", ""}}).query);  // an empty filter is no filter
}

TEST(ErrorQuery, RefusesBadParameters) {
  for (const auto& params :
       std::vector<std::map<std::string, std::string>>{{{"limit", "0"}},
                                                       {{"limit", "1001"}},
                                                       {{"limit", "ten"}},
                                                       {{"status", "99"}},
                                                       {{"status", "6xx"}},
                                                       {{"status", "4x"}},
                                                       {{"before", "-1"}},
                                                       {{"path", std::string(300, 'a')}}}) {
    auto parsed = ParseParams(params);
    EXPECT_FALSE(parsed.query) << params.begin()->first << "=" << params.begin()->second;
    EXPECT_NE(parsed.error.find(params.begin()->first), std::string::npos) << parsed.error;
  }
}

TEST(ErrorQuery, FiltersByStatusClassAndPathIgnoringCase) {
  ErrorQuery query;
  query.status = 404;
  query.path_contains = "SPAWNERS";
  ErrorPage page = ErrorListPage(NewestFirst(), query);
  auto json = Parse(page.json);
  ASSERT_TRUE(json.IsArray());
  ASSERT_EQ(json.Size(), 1u);  // sequence 6 only: even and a multiple of 3
  EXPECT_EQ(json[0]["sequence"].GetUint64(), 6u);
  EXPECT_FALSE(page.next_before);

  ErrorQuery server_errors;
  server_errors.status_class = 5;
  EXPECT_EQ(Parse(ErrorListPage(NewestFirst(), server_errors).json).Size(), 5u);
}

TEST(ErrorQuery, AnswersAJsonArrayNewestFirst) {
  auto json = Parse(ErrorListPage(NewestFirst(), ErrorQuery{}).json);
  ASSERT_TRUE(json.IsArray());
  ASSERT_EQ(json.Size(), 10u);
  for (rapidjson::SizeType i = 1; i < json.Size(); ++i) {
    EXPECT_GT(json[i - 1]["sequence"].GetUint64(), json[i]["sequence"].GetUint64());
  }
  EXPECT_EQ(Parse(ErrorListPage({}, ErrorQuery{}).json).Size(), 0u);
}

TEST(ErrorQuery, PagesWithBefore) {
  ErrorQuery query;
  query.limit = 4;
  ErrorPage first = ErrorListPage(NewestFirst(), query);
  auto first_json = Parse(first.json);
  ASSERT_EQ(first_json.Size(), 4u);
  EXPECT_EQ(first_json[0]["sequence"].GetUint64(), 10u);
  ASSERT_TRUE(first.next_before);
  EXPECT_EQ(*first.next_before, 7u);

  query.before = first.next_before;
  EXPECT_EQ(Parse(ErrorListPage(NewestFirst(), query).json)[0]["sequence"].GetUint64(), 6u);
  query.before = 3;
  ErrorPage last = ErrorListPage(NewestFirst(), query);
  EXPECT_EQ(Parse(last.json).Size(), 2u);
  EXPECT_FALSE(last.next_before);
  // Exactly `limit` left is the last page too: no link to an empty one.
  query.before = 5;
  EXPECT_FALSE(ErrorListPage(NewestFirst(), query).next_before);
}

TEST(ErrorQuery, NextPageLinkCarriesBeforeLimitAndTheFilters) {
  ErrorQuery query;
  query.limit = 4;
  EXPECT_EQ(NextPageLink(query, 7), "</api/errors?before=7&limit=4>; rel=\"next\"");
  query.status_class = 4;
  query.path_contains = "a b&c>";
  EXPECT_EQ(NextPageLink(query, 7),
            "</api/errors?before=7&limit=4&status=4xx&path=a%20b%26c%3E>; rel=\"next\"");
  ErrorQuery by_code;
  by_code.status = 404;
  EXPECT_EQ(NextPageLink(by_code, 1), "</api/errors?before=1&limit=100&status=404>; rel=\"next\"");
}

TEST(ErrorQuery, EntriesCarryEveryField) {
  ErrorQuery query;
  query.limit = 1;
  auto json = Parse(ErrorListPage(NewestFirst(), query).json);
  const auto& entry = json[0];
  EXPECT_EQ(entry["status"].GetInt(), 404);
  EXPECT_STREQ(entry["method"].GetString(), "GET");
  EXPECT_STREQ(entry["message"].GetString(), "msg");
  EXPECT_STREQ(entry["client_ip"].GetString(), "127.0.0.1");
  EXPECT_EQ(entry["timestamp_ms"].GetInt64(), 1700000000010);
  EXPECT_STREQ(entry["timestamp"].GetString(), "2023-11-14T22:13:20.010Z");
}

}  // namespace
}  // namespace sr::dashboard
