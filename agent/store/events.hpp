#pragma once
// Card and session events for GET /v1/events (Server-Sent Events), and the current state that
// GET /v1/status reports. The card monitor and the session publish here; SSE streams subscribe.
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

namespace ehagent::agent {

struct Event {
  std::uint64_t id = 0;
  std::string type;  // "card.inserted", "card.identified", "card.removed", "session.login", ...
  nlohmann::json data;
};

class EventBus {
 public:
  using Sink = std::function<void(const Event&)>;  // must not block: it runs on the publisher

  // Returns a subscription id; the sink is called for every event until unsubscribe.
  std::uint64_t subscribe(Sink sink);
  void unsubscribe(std::uint64_t id);
  void publish(std::string type, nlohmann::json data);

 private:
  std::mutex mutex_;
  std::uint64_t next_subscription_ = 1;
  std::uint64_t next_event_ = 1;
  std::map<std::uint64_t, Sink> sinks_;
};

// What GET /v1/status shows besides the version and modules: readers, practitioner, session.
class StateBoard {
 public:
  explicit StateBoard(EventBus& events) : events_(events) {}
  nlohmann::json snapshot() const;  // {"readers": [...], "practitioner": ..., "session": ...}
  // The snapshot, completed by `complete` and serialised. The text is kept until the state next
  // changes, so `complete` must add only what stays the same for the board's life. GET /v1/status
  // would otherwise build and dump the same JSON for every request.
  std::shared_ptr<const std::string> rendered(const std::function<void(nlohmann::json&)>& complete) const;
  // Replaces one part of the state and publishes `event_type` with the new value.
  void set(const std::string& part, nlohmann::json value, const std::string& event_type);

 private:
  EventBus& events_;
  mutable std::mutex mutex_;
  mutable std::shared_ptr<const std::string> rendered_;  // null: the state changed since
  nlohmann::json state_ = {{"readers", nlohmann::json::array()},
                           {"practitioner", nullptr},
                           {"session", nullptr},
                           {"last_logout", nullptr}};
};

}  // namespace ehagent::agent
