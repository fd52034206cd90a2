# Per-target defaults: C++20, warnings, and the repository root on the include path so that
# headers are named by folder ("pkcs11/module.hpp").
function(ehagent_defaults target)
  target_compile_features(${target} PUBLIC cxx_std_20)
  set_target_properties(${target} PROPERTIES CXX_EXTENSIONS OFF POSITION_INDEPENDENT_CODE ON)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic)
  if(EHAGENT_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
    # GCC 12 misreads Boost.Asio's awaitable frame allocator as a new/delete mismatch (a false
    # positive on every coroutine handler); a warning, but not one -Werror may act on.
    if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
      target_compile_options(${target} PRIVATE -Wno-error=mismatched-new-delete)
    endif()
  endif()
  target_include_directories(${target} PUBLIC $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}>)
endfunction()

# A component is one folder built as one static library, ehagent::<name>. Sources are the folder's
# own .cpp files, except main*.cpp, which belong to the folder's executables.
function(ehagent_component name)
  cmake_parse_arguments(ARG "" "" "PUBLIC_DEPS;PRIVATE_DEPS" ${ARGN})
  file(GLOB sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cpp)
  list(FILTER sources EXCLUDE REGEX "/main[^/]*\\.cpp$")
  if(NOT sources)
    # A folder whose first source has not landed yet still configures.
    file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/empty.cpp "")
    set(sources ${CMAKE_CURRENT_BINARY_DIR}/empty.cpp)
  endif()
  add_library(ehagent_${name} STATIC ${sources})
  add_library(ehagent::${name} ALIAS ehagent_${name})
  ehagent_defaults(ehagent_${name})
  target_link_libraries(ehagent_${name} PUBLIC ${ARG_PUBLIC_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
endfunction()
