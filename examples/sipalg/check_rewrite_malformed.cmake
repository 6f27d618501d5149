# ctest driver: `sipalg rewrite` on a malformed message exits 1, prints a JSON
# error on stderr, and writes the message unchanged to OUT.
file(MAKE_DIRECTORY "${WORK_DIR}")
execute_process(COMMAND "${SIPALG}" rewrite --inside 192.168.2.100:5060 --outside 2.2.2.2:5061 --peer 1.1.1.2:5060
                        "${INPUT}" "${WORK_DIR}/out.sip"
                RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 1)
  message(FATAL_ERROR "exit code ${rc}, expected 1: ${err}")
endif()
string(FIND "${err}" "\"error\":\"${EXPECT_ERROR}\"" pos)
if(pos EQUAL -1)
  message(FATAL_ERROR "stderr lacks the error ${EXPECT_ERROR}: ${err}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files "${WORK_DIR}/out.sip" "${INPUT}" RESULT_VARIABLE diff)
if(NOT diff EQUAL 0)
  message(FATAL_ERROR "the malformed message was not passed through unchanged")
endif()
message(STATUS "ok: exit 1, ${EXPECT_ERROR}, unchanged")
