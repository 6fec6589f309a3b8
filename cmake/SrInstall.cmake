# Where `cmake --install` (and the .deb, see SrPackaging.cmake) puts things, GNUInstallDirs
# relative to the prefix:
#   bin/spawner-master                       component runtime
#   lib/spawner-registry/plugins/<id>.so     component runtime (every add_registry_plugin
#                                            built into the tree's plugins/ folder)
#   share/spawner-registry/web/              component runtime (the dashboard's pages)
#   etc/spawner-registry/plugins.yaml        component runtime, written at install time with
#   etc/spawner-registry/environment         the install prefix's absolute paths
#   lib/systemd/system/spawner-registry.service
#   include/sr/, lib/cmake/SpawnerRegistry/  component sdk (headers, fake host, CMake package)
include(GNUInstallDirs)

set(SR_INSTALL_PLUGINDIR "${CMAKE_INSTALL_LIBDIR}/spawner-registry/plugins"
    CACHE STRING "Plugin folder, relative to the install prefix")
set(SR_INSTALL_WEBDIR "${CMAKE_INSTALL_DATADIR}/spawner-registry/web"
    CACHE STRING "The dashboard's web files, relative to the install prefix")
foreach(dir IN ITEMS CMAKE_INSTALL_BINDIR SR_INSTALL_PLUGINDIR SR_INSTALL_WEBDIR)
  if(IS_ABSOLUTE "${${dir}}")
    # The host finds its plugins relative to itself, so both must move with the prefix.
    message(FATAL_ERROR "${dir} must be relative to the install prefix, not ${${dir}}")
  endif()
endforeach()

# The host looks for plugins beside itself: <exe dir>/../plugins in a build tree, and this
# path (from bin/ to the installed plugin folder) in an installed tree.
file(RELATIVE_PATH SR_PLUGINDIR_FROM_BINDIR "/prefix/${CMAKE_INSTALL_BINDIR}"
     "/prefix/${SR_INSTALL_PLUGINDIR}")

# The dashboard's web files; vendor/ comes from `npm ci` in web/ (scripts/setup.sh), and a
# dashboard installed without it has no charts, so installing fails instead.
install(CODE "
  if(NOT EXISTS \"${PROJECT_SOURCE_DIR}/web/vendor\")
    message(FATAL_ERROR \"web/vendor is missing: run scripts/setup.sh (npm ci in web/) first\")
  endif()" COMPONENT runtime)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/web/pages ${PROJECT_SOURCE_DIR}/web/assets
                  ${PROJECT_SOURCE_DIR}/web/vendor
        DESTINATION ${SR_INSTALL_WEBDIR} COMPONENT runtime)

# plugins.yaml, the secrets' environment file and the systemd unit name absolute paths, which
# depend on the prefix actually installed to (`--prefix`, or /usr for the .deb): they are
# written at install time by SrInstallConfig.cmake.
install(CODE "
  set(SR_SOURCE_DIR \"${PROJECT_SOURCE_DIR}\")
  set(SR_GENERATED_DIR \"${CMAKE_BINARY_DIR}/install-generated\")
  set(SR_INSTALL_BINDIR \"${CMAKE_INSTALL_BINDIR}\")
  set(SR_INSTALL_PLUGINDIR \"${SR_INSTALL_PLUGINDIR}\")
  set(SR_INSTALL_WEBDIR \"${SR_INSTALL_WEBDIR}\")
  include(\"${CMAKE_CURRENT_LIST_DIR}/SrInstallConfig.cmake\")" COMPONENT runtime)
