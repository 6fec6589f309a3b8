# Runs at install time (included by the install code of SrInstall.cmake), when the prefix
# actually installed to is known: writes plugins.yaml, the environment file and the systemd
# unit with that prefix's absolute paths. Inputs: SR_SOURCE_DIR, SR_GENERATED_DIR,
# SR_INSTALL_BINDIR, SR_INSTALL_PLUGINDIR, SR_INSTALL_WEBDIR (relative to the prefix) and
# CMAKE_INSTALL_PREFIX.
# DESTDIR (staged installs, cpack) is applied by file(INSTALL) as for every other file.

# The GNU rules for /etc and /var: the system's own for the prefixes / and /usr, /etc/opt/...
# for /opt/..., inside the prefix otherwise.
function(sr_state_dir out kind)
  set(prefix "${CMAKE_INSTALL_PREFIX}")
  string(REGEX REPLACE "/+$" "" prefix "${prefix}")
  if(prefix STREQUAL "" OR prefix STREQUAL "/usr")
    set(${out} "/${kind}" PARENT_SCOPE)
  elseif(prefix MATCHES "^/opt/")
    set(${out} "/${kind}${prefix}" PARENT_SCOPE)
  else()
    set(${out} "${prefix}/${kind}" PARENT_SCOPE)
  endif()
endfunction()

sr_state_dir(sr_etc etc)
sr_state_dir(sr_var var)
set(SR_SYSCONFDIR "${sr_etc}/spawner-registry")
set(SR_DATA_DIR "${sr_var}/lib/spawner-registry")
set(SR_BINDIR "${CMAKE_INSTALL_PREFIX}/${SR_INSTALL_BINDIR}")
set(SR_PLUGIN_DIR "${CMAKE_INSTALL_PREFIX}/${SR_INSTALL_PLUGINDIR}")
set(SR_WEB_DIR "${CMAKE_INSTALL_PREFIX}/${SR_INSTALL_WEBDIR}")
set(SR_DOCDIR "${CMAKE_INSTALL_PREFIX}/share/doc/spawner-registry")

# Generated in the build tree, then installed from there; one folder per destination, so
# that two installs at once (cpack, a test's --prefix) do not overwrite each other's files.
string(MD5 sr_destination "$ENV{DESTDIR}|${CMAKE_INSTALL_PREFIX}")
set(sr_generated "${SR_GENERATED_DIR}/${sr_destination}")
foreach(name IN ITEMS plugins.yaml environment spawner-registry.service)
  configure_file("${SR_SOURCE_DIR}/packaging/${name}.in" "${sr_generated}/${name}" @ONLY)
endforeach()

file(INSTALL "${sr_generated}/plugins.yaml" DESTINATION "${SR_SYSCONFDIR}"
     FILE_PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
# Secrets live here: only root (systemd reads it before dropping privileges).
file(INSTALL "${sr_generated}/environment" DESTINATION "${SR_SYSCONFDIR}"
     FILE_PERMISSIONS OWNER_READ OWNER_WRITE)
file(INSTALL "${sr_generated}/spawner-registry.service"
     DESTINATION "${CMAKE_INSTALL_PREFIX}/lib/systemd/system"
     FILE_PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
file(INSTALL "${SR_SOURCE_DIR}/README.md" DESTINATION "${SR_DOCDIR}"
     FILE_PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
