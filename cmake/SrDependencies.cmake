# Third-party packages, all from Debian. Targets are imported once here.

find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
pkg_check_modules(PISTACHE REQUIRED IMPORTED_TARGET libpistache)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)
find_package(spdlog REQUIRED)
find_package(fmt REQUIRED)
find_package(yaml-cpp REQUIRED)
find_package(RapidJSON REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(CURL REQUIRED)
find_package(ZLIB REQUIRED)
find_package(OpenSSL REQUIRED)
find_package(Boost 1.74 REQUIRED)
# tl::expected (libexpected-dev): the plugins' value-or-error results until C++23's std::expected.
find_package(tl-expected REQUIRED)

if(NOT TARGET RapidJSON::RapidJSON)
  add_library(RapidJSON::RapidJSON INTERFACE IMPORTED)
  set_target_properties(RapidJSON::RapidJSON PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${RAPIDJSON_INCLUDE_DIRS}")
endif()

if(SR_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
