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
  ehagent_use_pch(${target})
endfunction()

# Precompiled headers (cmake/pch.hpp), made twice per build: once position-independent for the
# libraries, once as PIE for the executables, since GCC refuses a header precompiled with the
# other. Every target gets the macros of the libraries in the header (spdlog, fmt, Boost, json), whether it uses them or not, because GCC also
# refuses a precompiled header made with a macro the user does not define. Halves the time of a
# full build on two cores.
option(EHAGENT_PCH "Precompile the heavy third-party headers" ON)

function(ehagent_pch_targets)
  if(NOT EHAGENT_PCH OR EHAGENT_FUZZ)
    return()
  endif()
  file(WRITE ${CMAKE_BINARY_DIR}/pch_lib.cpp "")
  file(WRITE ${CMAKE_BINARY_DIR}/pch_exe.cpp "int main() { return 0; }\n")
  add_library(ehagent_pch_lib STATIC ${CMAKE_BINARY_DIR}/pch_lib.cpp)
  add_executable(ehagent_pch_exe ${CMAKE_BINARY_DIR}/pch_exe.cpp)
  foreach(pch ehagent_pch_lib ehagent_pch_exe)
    target_compile_features(${pch} PUBLIC cxx_std_20)
    set_target_properties(${pch} PROPERTIES CXX_EXTENSIONS OFF POSITION_INDEPENDENT_CODE ON)
    target_compile_options(${pch} PRIVATE -Wall -Wextra -Wpedantic)
    target_link_libraries(${pch} PRIVATE Boost::headers nlohmann_json::nlohmann_json spdlog::spdlog)
    target_precompile_headers(${pch} PRIVATE ${PROJECT_SOURCE_DIR}/cmake/pch.hpp)
  endforeach()
endfunction()

function(ehagent_use_pch target)
  if(NOT TARGET ehagent_pch_lib)
    return()
  endif()
  foreach(library spdlog::spdlog fmt::fmt Boost::headers nlohmann_json::nlohmann_json)
    target_compile_definitions(${target} PRIVATE $<TARGET_PROPERTY:${library},INTERFACE_COMPILE_DEFINITIONS>)
  endforeach()
  get_target_property(type ${target} TYPE)
  if(type STREQUAL "EXECUTABLE")
    target_precompile_headers(${target} REUSE_FROM ehagent_pch_exe)
  else()
    target_precompile_headers(${target} REUSE_FROM ehagent_pch_lib)
  endif()
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

# Embeds a file (JSON, script, style) in `target`: ehagent::agent::<function>() returns its text
# (agent/embed_file.cmake writes the source).
function(ehagent_embed target input function)
  set(output ${CMAKE_CURRENT_BINARY_DIR}/${function}.cpp)
  add_custom_command(OUTPUT ${output}
    COMMAND ${CMAKE_COMMAND} -DINPUT=${input} -DOUTPUT=${output} -DFUNCTION=${function}
            -P ${PROJECT_SOURCE_DIR}/agent/embed_file.cmake
    DEPENDS ${input} ${PROJECT_SOURCE_DIR}/agent/embed_file.cmake
    COMMENT "Embedding ${input}")
  target_sources(${target} PRIVATE ${output})
endfunction()
