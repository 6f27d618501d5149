# Runs `${SIPALG} parse ${INPUT}` and checks its exit code (EXPECT_EXIT) and that stdout
# contains EXPECT_OUTPUT. Used by the CLI ctests (cmake -P).
execute_process(COMMAND "${SIPALG}" parse "${INPUT}" RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL EXPECT_EXIT)
  message(FATAL_ERROR "exit code ${rc}, expected ${EXPECT_EXIT}\nstdout: ${out}\nstderr: ${err}")
endif()
string(FIND "${out}" "${EXPECT_OUTPUT}" pos)
if(pos EQUAL -1)
  message(FATAL_ERROR "stdout lacks '${EXPECT_OUTPUT}':\n${out}")
endif()
message(STATUS "ok: exit ${rc}, ${EXPECT_OUTPUT}")
