# Turns openapi.json into a C++ source so the document ships inside the binary.
file(READ ${INPUT} document)
file(WRITE ${OUTPUT} "// Generated from agent/openapi.json; edit that file instead.\n"
  "#include <string_view>\n"
  "namespace ehagent::agent {\n"
  "std::string_view openApiDocument() {\n"
  "  static constexpr char text[] = R\"openapi_json(${document})openapi_json\";\n"
  "  return {text, sizeof text - 1};\n"
  "}\n"
  "}  // namespace ehagent::agent\n")
