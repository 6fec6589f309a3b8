# Compiler launcher, warnings and sanitizers shared by every target of the project.

find_program(SR_CCACHE ccache)
if(SR_CCACHE)
  set(CMAKE_C_COMPILER_LAUNCHER ${SR_CCACHE})
  set(CMAKE_CXX_COMPILER_LAUNCHER ${SR_CCACHE})
endif()

if(NOT CMAKE_BUILD_TYPE AND NOT CMAKE_CONFIGURATION_TYPES)
  set(CMAKE_BUILD_TYPE RelWithDebInfo CACHE STRING "Build type" FORCE)
endif()

# Warnings are errors only when asked (CI and scripts/build.sh do): a distributor's newer or
# older compiler, or another optimisation level, may warn where ours does not, and a warning
# must not stop their build.
option(SR_WERROR "Treat compiler warnings as errors" OFF)
set(SR_WERROR_FLAG $<$<BOOL:${SR_WERROR}>:-Werror>)

add_library(sr_warnings INTERFACE)
target_compile_options(sr_warnings INTERFACE -Wall -Wextra ${SR_WERROR_FLAG} -Wshadow
                                             -Wno-missing-field-initializers
                                             $<$<COMPILE_LANGUAGE:CXX>:-Wnon-virtual-dtor>
                                             # RapidJSON's iterators trip clang's C++20
                                             # reversed-operator warning (fuzz builds).
                                             $<$<CXX_COMPILER_ID:Clang>:-Wno-ambiguous-reversed-operator>)

if(SR_SANITIZE)
  # Host and plugins must share one sanitizer runtime, so the flags apply to everything.
  # GCC's -Wmaybe-uninitialized is unreliable with sanitizer instrumentation (false
  # positives inside <regex>), so it is not an error in these builds.
  add_compile_options(-fsanitize=${SR_SANITIZE} -fno-omit-frame-pointer
                      -fno-sanitize-recover=undefined -Wno-maybe-uninitialized)
  add_link_options(-fsanitize=${SR_SANITIZE})
endif()
