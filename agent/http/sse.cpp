#include "agent/http/sse.hpp"

#include "agent/store/json_text.hpp"

namespace ehagent::agent {

std::string sseHead(const Response& response) {
  // No Content-Length and no chunking: the stream's body ends when the connection closes.
  std::string head = "HTTP/1.1 200 OK\r\n";
  for (const auto& field : response) {
    head += std::string(field.name_string()) + ": " + std::string(field.value()) + "\r\n";
  }
  head += "Connection: close\r\n\r\n";
  return head;
}

std::string sseFrame(std::uint64_t id, const std::string& type, const nlohmann::json& data) {
  return "id: " + std::to_string(id) + "\nevent: " + type + "\ndata: " + jsonText(data) + "\n\n";
}

}  // namespace ehagent::agent
