# Test support shared by every test binary (host and plugins): a launcher for the real
# executable on a free port, a raw HTTP client and temporary directories. Included before
# the plugins so that each plugin's tests can use sr_add_test.
include(GoogleTest)

set(SR_FIXTURE_OUTPUT_DIR ${CMAKE_BINARY_DIR}/tests/fixtures)

add_library(sr_test_support STATIC
  ${PROJECT_SOURCE_DIR}/tests/support/http_client.cpp
  ${PROJECT_SOURCE_DIR}/tests/support/pg_server.cpp
  ${PROJECT_SOURCE_DIR}/tests/support/sse_client.cpp
  ${PROJECT_SOURCE_DIR}/tests/support/temp_dir.cpp
  ${PROJECT_SOURCE_DIR}/tests/support/test_host.cpp)
target_include_directories(sr_test_support PUBLIC ${PROJECT_SOURCE_DIR}/tests/support)
target_compile_definitions(sr_test_support PRIVATE
  SR_TEST_HOST_BINARY="$<TARGET_FILE:spawner-master>"
  SR_TEST_PLUGIN_DIR="${SR_PLUGIN_OUTPUT_DIR}"
  SR_TEST_FIXTURE_DIR="${SR_FIXTURE_OUTPUT_DIR}"
  SR_TEST_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
target_link_libraries(sr_test_support PUBLIC GTest::gtest Threads::Threads PRIVATE sr_warnings)

# sr_add_test(<name> SOURCES ... [LIBS ...] [LABELS ...] [DEPENDS targets...]): one GoogleTest
# binary whose tests CTest runs one by one. DEPENDS names what must be built first (the host,
# plugins) for end-to-end tests.
function(sr_add_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS;LABELS;DEPENDS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE GTest::gtest_main sr_test_support sr_warnings ${ARG_LIBS})
  # Only tests that start the executable wait for it to be built.
  if("e2e" IN_LIST ARG_LABELS OR ARG_DEPENDS)
    add_dependencies(${name} spawner-master ${ARG_DEPENDS})
  endif()
  # gtest_discover_tests flattens list-valued properties (LABELS "unit;concurrency" would set
  # LABELS to "unit" and a property named "concurrency"), so the labels become one label,
  # "unit,concurrency", which `ctest -L unit` and `ctest -L concurrency` both match (-L takes a
  # regular expression).
  list(JOIN ARG_LABELS "," joined_labels)
  gtest_discover_tests(${name} DISCOVERY_MODE PRE_TEST DISCOVERY_TIMEOUT 60 NO_PRETTY_VALUES
                       PROPERTIES LABELS "${joined_labels}")
endfunction()

# What the ThreadSanitizer stage builds: the tests labelled "concurrency" and what they load.
add_custom_target(tsan_targets)
add_dependencies(tsan_targets spawner-master)
