# What `cmake --install` puts where, and the Debian package `make package` builds from it (CPack's
# DEB generator). Paths are Debian's under /usr: the agent looks for its bundled trust anchors in
# /usr/share/ehagent/trust (agent/config/trust.hpp), the user units go where a user manager reads
# them, man pages are gzipped as Debian policy wants.
include(GNUInstallDirs)
set(package_dir ${PROJECT_SOURCE_DIR}/installer/package)

install(TARGETS ehagent ehagent-install ehagent-sandbox RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/data/trust/ DESTINATION ${CMAKE_INSTALL_DATADIR}/ehagent/trust
        FILES_MATCHING PATTERN "*.pem")
install(FILES ${PROJECT_SOURCE_DIR}/agent/openapi.json DESTINATION ${CMAKE_INSTALL_DATADIR}/ehagent)
install(FILES ${package_dir}/systemd/ehagent.service ${package_dir}/systemd/ehagent.socket
        DESTINATION lib/systemd/user)
foreach(command ehagent ehagent-install ehagent-sandbox)
  install(FILES ${package_dir}/completion/ehagent DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
          RENAME ${command})
endforeach()
install(FILES ${package_dir}/copyright DESTINATION ${CMAKE_INSTALL_DOCDIR})

# gzip -n: no name or time in the header, so the same page gives the same package.
set(gzipped)
foreach(page ehagent.1 ehagent-sandbox.1 agent.toml.5 ehagent-install.8 changelog)
  if(page STREQUAL "changelog")
    set(source ${package_dir}/changelog)
  else()
    set(source ${package_dir}/man/${page})
  endif()
  set(output ${CMAKE_BINARY_DIR}/package/${page}.gz)
  add_custom_command(OUTPUT ${output}
                     COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/package
                     COMMAND gzip -9 -n -c ${source} > ${output}
                     DEPENDS ${source} VERBATIM)
  list(APPEND gzipped ${output})
  if(page STREQUAL "changelog")
    install(FILES ${output} DESTINATION ${CMAKE_INSTALL_DOCDIR})
  else()
    string(REGEX REPLACE ".*\\.([0-9])$" "\\1" section ${page})
    install(FILES ${output} DESTINATION ${CMAKE_INSTALL_MANDIR}/man${section})
  endif()
endforeach()
add_custom_target(ehagent_package_files ALL DEPENDS ${gzipped})

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME ehagent)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_PACKAGE_CONTACT "ehagent developers <ehagent@example.org>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "local eID and eHealth agent for Belgian practitioners")
# The extended description; CPack puts the summary above it as the synopsis line.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "It reads the practitioner's Belgian eID card and eHealth certificate
through PKCS#11, logs the practitioner in to the eHealth platform with an STS
SAML token, signs and submits Sumehr uploads, patient consents and therapeutic
links to the hubs, and serves all of it to client software over a JSON API on
loopback and a Unix socket. One agent runs per user, as a systemd user service
with socket activation.")
set(CPACK_DEBIAN_PACKAGE_SECTION misc)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
# The runtime libraries come from dpkg-shlibdeps; the PIN dialog and the token store for the
# imported eHealth keystore are programs, named here.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "pinentry-gnome3 | pinentry-qt | pinentry-gtk2 | pinentry-curses, softhsm2")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "pcscd, opensc-pkcs11")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "opensc")
set(CPACK_STRIP_FILES ON)
include(CPack)
