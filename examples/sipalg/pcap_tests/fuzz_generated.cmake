# ctest driver (cmake -P): the quick truncation/corruption sweep over the generated SIP-over-TCP and
# IPv4-fragment captures (TCP sequence rebuilding and fragment paths under damaged input).
file(MAKE_DIRECTORY "${WORK}")
foreach(kind tcp frag)
  execute_process(COMMAND "${TOOL}" make-${kind}-sample "${WORK}/${kind}-lan.pcap" "${WORK}/${kind}-wan.pcap"
                  RESULT_VARIABLE rc ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "make-${kind}-sample failed: ${err}")
  endif()
  execute_process(COMMAND "${TOOL}" fuzz-quick "${WORK}/${kind}-lan.pcap" RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "fuzz-quick ${kind}: ${out}${err}")
  endif()
  message(STATUS "${kind}: ${out}")
endforeach()
