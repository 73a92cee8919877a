# Registers one ctest test per GoogleTest suite of the test binary, run after
# every link of it (tests/CMakeLists.txt). A test per case (what
# gtest_discover_tests registers) starts the binary, and loads LibTorch, about
# 500 times: two thirds of a cold `ctest` went into that start-up. A suite
# runs its cases in one process, and the ctest summary still names each
# failing suite; `tavrnn_tests --gtest_filter=...` runs one case.
#
# cmake -D TEST_EXECUTABLE=... -D WORKING_DIRECTORY=... -D CTEST_FILE=... -P gtest_suites.cmake
execute_process(COMMAND ${TEST_EXECUTABLE} --gtest_list_tests
                WORKING_DIRECTORY ${WORKING_DIRECTORY}
                OUTPUT_VARIABLE listing ERROR_VARIABLE errors RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "${TEST_EXECUTABLE} --gtest_list_tests failed (${status}):\n${errors}")
endif()
string(REPLACE "\n" ";" lines "${listing}")
set(script "")
set(count 0)
foreach(line IN LISTS lines)
  # Suite lines start in column one and end with '.', parameterised suites
  # carry their instantiation prefix ("V5AndV73/MatVersions.") and maybe a
  # "  # TypeParam = ..." comment; case lines are indented.
  if(line MATCHES "^([^ #][^ ]*)\\.( .*)?$")
    set(suite "${CMAKE_MATCH_1}")
    string(APPEND script
           "add_test([=[${suite}]=] [==[${TEST_EXECUTABLE}]==] [==[--gtest_filter=${suite}.*]==])\n"
           "set_tests_properties([=[${suite}]=] PROPERTIES WORKING_DIRECTORY [==[${WORKING_DIRECTORY}]==] "
           "FIXTURES_REQUIRED source_tree TIMEOUT 900 "
           # A filter that matches nothing exits 0: fail it instead.
           "FAIL_REGULAR_EXPRESSION [==[\\] 0 tests from 0 test suites ran]==])\n")
    math(EXPR count "${count} + 1")
  endif()
endforeach()
if(count EQUAL 0)
  message(FATAL_ERROR "${TEST_EXECUTABLE} --gtest_list_tests listed no suite:\n${listing}")
endif()
file(WRITE "${CTEST_FILE}" "${script}")
