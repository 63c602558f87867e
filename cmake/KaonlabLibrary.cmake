# kaonlab_add_library(<name> SOURCES ... DEPENDS ...)
# Creates target kaonlab_<name> with alias kaonlab::<name>, exported for find_package.
function(kaonlab_add_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPENDS;PRIVATE_DEPENDS" ${ARGN})
  add_library(kaonlab_${name} ${ARG_SOURCES})
  add_library(kaonlab::${name} ALIAS kaonlab_${name})
  set_target_properties(kaonlab_${name} PROPERTIES EXPORT_NAME ${name} OUTPUT_NAME kaonlab_${name})
  target_include_directories(kaonlab_${name} PUBLIC
    $<BUILD_INTERFACE:${KAONLAB_INCLUDE_DIR}>
    $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
  target_link_libraries(kaonlab_${name} PUBLIC ${ARG_DEPENDS} PRIVATE ${ARG_PRIVATE_DEPENDS})
  install(TARGETS kaonlab_${name} EXPORT kaonlabTargets
          ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
          LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
endfunction()
