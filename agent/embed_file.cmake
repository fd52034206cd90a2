# Turns a file (the OpenAPI document, the status page's script and style) into a C++ source, so
# that it ships inside the binary: ehagent::agent::<FUNCTION>() returns its text.
file(READ ${INPUT} document)
file(WRITE ${OUTPUT} "// Generated from ${INPUT}; edit that file instead.\n"
  "#include <string_view>\n"
  "namespace ehagent::agent {\n"
  "std::string_view ${FUNCTION}() {\n"
  "  static constexpr char text[] = R\"embedded_file(${document})embedded_file\";\n"
  "  return {text, sizeof text - 1};\n"
  "}\n"
  "}  // namespace ehagent::agent\n")
