# Install rules for the header-only package: headers, the exported target
# sipalg::sipalg with config + version files for find_package(sipalg CONFIG),
# and a relocatable pkg-config file. Everything goes in the component
# "sipalg_development", so `cmake --install build --component sipalg_development`
# installs the library alone, whatever the examples install.
include(CMakePackageConfigHelpers)

set(SIPALG_INSTALL_CMAKEDIR "${CMAKE_INSTALL_DATADIR}/cmake/sipalg" CACHE STRING
    "Where to install sipalgConfig.cmake (relative to the prefix)")
set(SIPALG_INSTALL_PKGCONFIGDIR "${CMAKE_INSTALL_DATADIR}/pkgconfig" CACHE STRING
    "Where to install sipalg.pc (relative to the prefix)")

install(DIRECTORY "${PROJECT_SOURCE_DIR}/include/"
        DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}"
        COMPONENT sipalg_development
        FILES_MATCHING PATTERN "*.hpp")
install(TARGETS sipalg EXPORT sipalgTargets COMPONENT sipalg_development)
install(EXPORT sipalgTargets
        NAMESPACE sipalg::
        DESTINATION "${SIPALG_INSTALL_CMAKEDIR}"
        COMPONENT sipalg_development)

# 0.x releases may break the API between minor versions.
if(PROJECT_VERSION_MAJOR EQUAL 0)
  set(_sipalg_compat SameMinorVersion)
else()
  set(_sipalg_compat SameMajorVersion)
endif()
configure_package_config_file("${CMAKE_CURRENT_LIST_DIR}/sipalgConfig.cmake.in"
                              "${PROJECT_BINARY_DIR}/sipalgConfig.cmake"
                              INSTALL_DESTINATION "${SIPALG_INSTALL_CMAKEDIR}")
write_basic_package_version_file("${PROJECT_BINARY_DIR}/sipalgConfigVersion.cmake"
                                 COMPATIBILITY ${_sipalg_compat} ARCH_INDEPENDENT)
install(FILES "${PROJECT_BINARY_DIR}/sipalgConfig.cmake" "${PROJECT_BINARY_DIR}/sipalgConfigVersion.cmake"
        DESTINATION "${SIPALG_INSTALL_CMAKEDIR}"
        COMPONENT sipalg_development)

# pkg-config: paths relative to the .pc file, so `cmake --install --prefix X` works.
if(IS_ABSOLUTE "${SIPALG_INSTALL_PKGCONFIGDIR}")
  set(_sipalg_pc_dir "${SIPALG_INSTALL_PKGCONFIGDIR}")
else()
  set(_sipalg_pc_dir "/prefix/${SIPALG_INSTALL_PKGCONFIGDIR}")
endif()
file(RELATIVE_PATH _sipalg_pc_up "${_sipalg_pc_dir}" "/prefix")
string(REGEX REPLACE "/$" "" _sipalg_pc_up "${_sipalg_pc_up}")
if(IS_ABSOLUTE "${SIPALG_INSTALL_PKGCONFIGDIR}")
  set(SIPALG_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
else()
  set(SIPALG_PC_PREFIX "\${pcfiledir}/${_sipalg_pc_up}")
endif()
if(IS_ABSOLUTE "${CMAKE_INSTALL_INCLUDEDIR}")
  set(SIPALG_PC_INCLUDEDIR "${CMAKE_INSTALL_INCLUDEDIR}")
else()
  set(SIPALG_PC_INCLUDEDIR "\${prefix}/${CMAKE_INSTALL_INCLUDEDIR}")
endif()
configure_file("${CMAKE_CURRENT_LIST_DIR}/sipalg.pc.in" "${PROJECT_BINARY_DIR}/sipalg.pc" @ONLY)
install(FILES "${PROJECT_BINARY_DIR}/sipalg.pc"
        DESTINATION "${SIPALG_INSTALL_PKGCONFIGDIR}"
        COMPONENT sipalg_development)
