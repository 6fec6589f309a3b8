# Debian packages, from the install components (`cpack -G DEB` in a build folder):
#   spawner-registry_<version>_amd64.deb      component runtime: host, plugins, web files,
#                                             /etc/spawner-registry (conffiles), systemd unit
#   spawner-registry-dev_<version>_amd64.deb  component sdk: headers, fake host, CMake package
# Installed under /usr (so /etc and /var for configuration and data). Library dependencies
# come from dpkg-shlibdeps; the maintainer scripts in packaging/debian/ make the system user
# and enable the unit.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME spawner-registry)
set(CPACK_PACKAGE_VENDOR "Spawner Registry")
set(CPACK_PACKAGE_CONTACT "Spawner Registry maintainers <spawner-registry@localhost>")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
# No CPACK_PACKAGE_DESCRIPTION_SUMMARY: each package's description starts with its own
# synopsis line (CPackDeb would put a shared summary before it).
set(CPACK_OUTPUT_FILE_PREFIX ${CMAKE_BINARY_DIR}/packages)
# Install through DESTDIR with the real prefix, so that the install-time files (plugins.yaml,
# the unit) name /usr/... and /etc/..., not the staging folder.
set(CPACK_SET_DESTDIR ON)
set(CPACK_INSTALL_PREFIX /usr)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)

set(CPACK_COMPONENTS_ALL runtime sdk)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)

set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME spawner-registry)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SECTION net)
# adduser for the system user (postinst); the rest comes from dpkg-shlibdeps.
set(CPACK_DEBIAN_RUNTIME_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_RUNTIME_DESCRIPTION
    "self-hosted master server for game-server fleets\nSpawners register with it over REST and heartbeat; it proxies spawn\nrequests, serves the game server build and a live dashboard. Every feature\nis a plugin loaded through a stable C ABI. Runs as the spawner-registry\nsystemd service.")
set(sr_debian_scripts ${CMAKE_BINARY_DIR}/packaging/debian)
foreach(script IN ITEMS postinst prerm postrm)
  configure_file(${PROJECT_SOURCE_DIR}/packaging/debian/${script} ${sr_debian_scripts}/${script}
                 COPYONLY)
endforeach()
file(WRITE ${sr_debian_scripts}/conffiles
     "/etc/spawner-registry/plugins.yaml\n/etc/spawner-registry/environment\n")
set(CPACK_DEBIAN_RUNTIME_PACKAGE_CONTROL_EXTRA
    ${sr_debian_scripts}/conffiles ${sr_debian_scripts}/postinst ${sr_debian_scripts}/prerm
    ${sr_debian_scripts}/postrm)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_CONTROL_STRICT_PERMISSION ON)

set(CPACK_DEBIAN_SDK_PACKAGE_NAME spawner-registry-dev)
set(CPACK_DEBIAN_SDK_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_SDK_PACKAGE_ARCHITECTURE all)
set(CPACK_DEBIAN_SDK_DESCRIPTION
    "plugin SDK of the Spawner Registry master server\nThe C ABI, the header-only C++ SDK, the service headers, the fake host for\nplugin unit tests and the CMake package (find_package(SpawnerRegistry)).")
# Headers only: nothing to scan; plugins built with it need a C/C++ toolchain and CMake.
set(CPACK_DEBIAN_SDK_PACKAGE_SHLIBDEPS OFF)
# The fake host reads JSON with RapidJSON; sr/rfc3339.hpp formats with fmt.
set(CPACK_DEBIAN_SDK_PACKAGE_DEPENDS "cmake (>= 3.25), rapidjson-dev, libfmt-dev")

include(CPack)
