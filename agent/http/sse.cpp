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

std::string lastEventId(const Request& request) {
  const auto it = request.find("Last-Event-ID");
  return it == request.end() ? std::string() : std::string(it->value());
}

std::string sseFrame(const std::string& id, const std::string& type, const nlohmann::json& data) {
  // jsonText writes no line breaks, so the data is one `data:` line.
  return "id: " + id + "\nevent: " + type + "\ndata: " + jsonText(data) + "\n\n";
}

std::string sseStart(const EventBus& bus, const EventBus::Replay& replay, const StateBoard& state) {
  if (!replay.missed) return sseFrame(bus.eventId(replay.last_event), "state", state.snapshot());
  std::string frames;
  for (const Event& event : *replay.missed) frames += sseFrame(bus.eventId(event.id), event.type, event.data);
  return frames;
}

}  // namespace ehagent::agent
