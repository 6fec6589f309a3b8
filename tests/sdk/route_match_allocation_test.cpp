// Matching a request against the routing table runs on every request: an unescaped path
// must cost no allocation beyond its parameters. Counted through the global operator new,
// so this is its own program.
#include <gtest/gtest.h>
#include <sr/http/route_table.hpp>

#include <atomic>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

namespace {
std::atomic<long> allocations{0};
}  // namespace

// These are the program's allocator: GCC, inlining them into a caller, takes the malloc/free
// inside for a new/free mismatch of the caller's own.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

void* operator new(std::size_t size) {
  allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* memory = std::malloc(size == 0 ? 1 : size)) return memory;
  throw std::bad_alloc();
}
void operator delete(void* memory) noexcept { std::free(memory); }
void operator delete(void* memory, std::size_t) noexcept { std::free(memory); }

namespace {

struct Route {
  std::string method;
  std::string pattern;
  std::string owner_id;
  std::vector<std::string> param_names;
};

class RouteMatchAllocations : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* pattern : {"/health", "/api/spawners", "/api/spawners/{id}",
                                "/api/spawners/{id}/heartbeat", "/assets/{path*}"}) {
      ASSERT_EQ(table_.Add(Route{"GET", pattern, "p", {}}), "");
      ASSERT_EQ(table_.Add(Route{"POST", pattern, "p", {}}), "");
    }
  }

  // The allocations one Match makes, with its result kept alive until counted.
  long Count(std::string_view method, std::string_view raw_path,
             sr::http::RouteMatch<Route>& match) {
    long before = allocations.load();
    match = table_.Match(method, raw_path);
    return allocations.load() - before;
  }

  sr::http::RouteTable<Route> table_;
};

TEST_F(RouteMatchAllocations, APathWithoutParametersAllocatesNothing) {
  sr::http::RouteMatch<Route> match;
  EXPECT_EQ(Count("GET", "/health", match), 0);
  ASSERT_NE(match.route, nullptr);
  EXPECT_EQ(match.route->pattern, "/health");
  EXPECT_EQ(Count("GET", "/api/spawners", match), 0);
  EXPECT_EQ(match.route->pattern, "/api/spawners");
}

TEST_F(RouteMatchAllocations, AHeartbeatAllocatesOnlyItsParameterList) {
  sr::http::RouteMatch<Route> match;
  // Short names and values fit in their strings; the list itself is the one allocation.
  EXPECT_EQ(Count("POST", "/api/spawners/123456/heartbeat", match), 1);
  ASSERT_NE(match.route, nullptr);
  EXPECT_EQ(match.route->pattern, "/api/spawners/{id}/heartbeat");
  ASSERT_EQ(match.params.size(), 1u);
  EXPECT_EQ(match.params[0].first, "id");
  EXPECT_EQ(match.params[0].second, "123456");
}

TEST_F(RouteMatchAllocations, EscapesAndRestSegmentsAreStillDecoded) {
  sr::http::RouteMatch<Route> match;
  Count("GET", "/api/spawners/a%20b", match);
  ASSERT_NE(match.route, nullptr);
  EXPECT_EQ(match.params.at(0).second, "a b");
  Count("GET", "/assets/js/a%2Fb/c.js", match);
  ASSERT_NE(match.route, nullptr);
  EXPECT_EQ(match.route->pattern, "/assets/{path*}");
  EXPECT_EQ(match.params.at(0).second, "js/a/b/c.js");
  Count("GET", "/api/spawners/%zz", match);  // a broken escape stays as written
  EXPECT_EQ(match.params.at(0).second, "%zz");
  Count("GET", "/api/spawners/", match);  // an empty segment is no parameter
  EXPECT_EQ(match.route, nullptr);
  EXPECT_EQ(match.status, 404);
}

}  // namespace
