# ctest driver (cmake -P): regenerates the bundled capture and compares it with the committed one.
get_filename_component(_out_dir "${OUT}" DIRECTORY)
file(MAKE_DIRECTORY "${_out_dir}")  # the work folder may not exist yet in a fresh build
execute_process(COMMAND "${TOOL}" make-sample "${GOLDEN}" "${OUT}" RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "make-sample failed (${rc}): ${err}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files "${OUT}" "${COMMITTED}" RESULT_VARIABLE diff)
if(NOT diff EQUAL 0)
  message(FATAL_ERROR "${OUT} differs from ${COMMITTED}: regenerate it with\n  ${TOOL} make-sample ${GOLDEN} ${COMMITTED}\nand commit it (after reviewing the change)")
endif()
message(STATUS "ok: ${COMMITTED} is reproducible")
