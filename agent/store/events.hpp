#pragma once
// Card and session events for GET /v1/events (Server-Sent Events), and the current state that
// GET /v1/status reports. The card monitor and the session publish here; SSE streams subscribe,
// and a stream that reconnects is replayed what it missed from a bounded ring of recent events.
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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

  // Where a stream that reconnects with Last-Event-ID picks up.
  struct Replay {
    std::uint64_t last_event = 0;                // the newest event published before the subscription
    std::optional<std::vector<Event>> missed;    // none: the id cannot be resumed, send the full state
  };

  // `replay_capacity` recent events are kept for streams that reconnect.
  explicit EventBus(std::size_t replay_capacity = 256);

  // Returns a subscription id; the sink is called for every event until unsubscribe.
  std::uint64_t subscribe(Sink sink);
  // The same, and fills `replay` under the same lock as the sink is added, so that no event falls
  // between the replay and the live stream, nor comes twice.
  std::uint64_t subscribe(Sink sink, std::string_view last_event_id, Replay& replay);
  void unsubscribe(std::uint64_t id);
  void publish(std::string type, nlohmann::json data);

  // An event's SSE id: this run's random prefix and the event's number. Numbers start again at 1
  // when the agent restarts; with the prefix, a client that reconnects across a restart sends an id
  // that is not this run's and gets the full state, rather than a replay of unrelated events.
  std::string eventId(std::uint64_t number) const;

 private:
  std::optional<std::uint64_t> numberOf(std::string_view event_id) const;

  const std::string run_;
  const std::size_t replay_capacity_;
  std::mutex mutex_;
  std::uint64_t next_subscription_ = 1;
  std::uint64_t next_event_ = 1;
  std::map<std::uint64_t, Sink> sinks_;
  std::deque<Event> recent_;  // the newest events, consecutive numbers ending at next_event_ - 1
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
