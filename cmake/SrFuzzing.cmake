# sr_add_fuzzer(<name> SOURCES ... [LIBS ...]): a libFuzzer target (clang only), built by
# the `fuzzers` target. Its seed corpus lives in tests/fuzz/corpus/<name>/ or next to the
# fuzzer as corpus/<name>/ (see scripts/fuzz.sh).
add_custom_target(fuzzers)

# Everything this build compiles from here on (the plugins' logic libraries) carries coverage
# instrumentation and the sanitizers, so libFuzzer sees inside the code it drives.
add_compile_options(-fsanitize=fuzzer-no-link,address,undefined)
set(SR_FUZZ_OUTPUT_DIR ${CMAKE_BINARY_DIR}/fuzz)

function(sr_add_fuzzer name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_compile_options(${name} PRIVATE -fsanitize=fuzzer,address,undefined)
  target_link_options(${name} PRIVATE -fsanitize=fuzzer,address,undefined)
  target_link_libraries(${name} PRIVATE ${ARG_LIBS})
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${SR_FUZZ_OUTPUT_DIR})
  add_dependencies(fuzzers ${name})
endfunction()
