# add_registry_plugin(<id> SOURCES ... [DEPS ...] [OUTPUT_DIR dir])
#
# Builds a plugin as a MODULE library named exactly <id>.so, with hidden visibility, no
# undefined symbols, and the project's warnings. Only the entry symbol is exported.
# A plugin built into the tree's plugin folder (no OUTPUT_DIR) is a plugin of the product and
# is installed with the host (component runtime); test fixtures name their own OUTPUT_DIR and
# are not.
function(add_registry_plugin id)
  cmake_parse_arguments(ARG "" "OUTPUT_DIR" "SOURCES;DEPS" ${ARGN})
  set(installed FALSE)
  if(NOT ARG_OUTPUT_DIR)
    set(ARG_OUTPUT_DIR ${SR_PLUGIN_OUTPUT_DIR})
    set(installed TRUE)
  endif()
  add_library(${id} MODULE ${ARG_SOURCES})
  set_target_properties(${id} PROPERTIES
    PREFIX ""
    OUTPUT_NAME ${id}
    C_VISIBILITY_PRESET hidden
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    LIBRARY_OUTPUT_DIRECTORY ${ARG_OUTPUT_DIR})
  target_link_options(${id} PRIVATE -Wl,--no-undefined)
  target_link_libraries(${id} PRIVATE sr::sdk sr_warnings ${ARG_DEPS})
  if(installed)
    install(TARGETS ${id} LIBRARY DESTINATION ${SR_INSTALL_PLUGINDIR} COMPONENT runtime)
  endif()
endfunction()
