#include "agent/store/events.hpp"

#include <charconv>

#include "agent/store/json_text.hpp"
#include "core/bytes.hpp"
#include "core/random.hpp"

namespace ehagent::agent {

// Eight random hex digits tell this run's ids from another's; they are no secret.
EventBus::EventBus(std::size_t replay_capacity)
    : run_(toHex(asBytes(randomBytes(4)))), replay_capacity_(replay_capacity) {}

std::uint64_t EventBus::subscribe(Sink sink) {
  Replay ignored;
  return subscribe(std::move(sink), {}, ignored);
}

std::uint64_t EventBus::subscribe(Sink sink, std::string_view last_event_id, Replay& replay) {
  std::lock_guard lock(mutex_);
  replay.last_event = next_event_ - 1;
  replay.missed.reset();
  const std::optional<std::uint64_t> after = numberOf(last_event_id);
  // Resumable when every event after `after` is still in the ring: an id of the future (or of
  // another run that parsed) and one older than the ring are not.
  const std::uint64_t oldest_held = recent_.empty() ? next_event_ : recent_.front().id;
  if (after && *after <= replay.last_event && *after + 1 >= oldest_held) {
    replay.missed.emplace();
    for (const Event& event : recent_) {
      if (event.id > *after) replay.missed->push_back(event);
    }
  }
  const std::uint64_t id = next_subscription_++;
  sinks_.emplace(id, std::move(sink));
  return id;
}

void EventBus::unsubscribe(std::uint64_t id) {
  std::lock_guard lock(mutex_);
  sinks_.erase(id);
}

void EventBus::publish(std::string type, nlohmann::json data) {
  std::lock_guard lock(mutex_);
  const Event event{next_event_++, std::move(type), std::move(data)};
  for (auto& [id, sink] : sinks_) sink(event);
  recent_.push_back(event);
  if (recent_.size() > replay_capacity_) recent_.pop_front();
}

std::string EventBus::eventId(std::uint64_t number) const { return run_ + "-" + std::to_string(number); }

std::optional<std::uint64_t> EventBus::numberOf(std::string_view event_id) const {
  if (!event_id.starts_with(run_ + "-")) return std::nullopt;
  const std::string_view digits = event_id.substr(run_.size() + 1);
  std::uint64_t number = 0;
  const char* end = digits.data() + digits.size();
  const auto [stop, error] = std::from_chars(digits.data(), end, number);
  if (digits.empty() || error != std::errc() || stop != end) return std::nullopt;
  return number;
}

nlohmann::json StateBoard::snapshot() const {
  std::lock_guard lock(mutex_);
  return state_;
}

std::shared_ptr<const std::string> StateBoard::rendered(const std::function<void(nlohmann::json&)>& complete) const {
  std::lock_guard lock(mutex_);
  if (!rendered_) {
    nlohmann::json body = state_;
    complete(body);
    rendered_ = std::make_shared<const std::string>(jsonText(body));
  }
  return rendered_;
}

void StateBoard::set(const std::string& part, nlohmann::json value, const std::string& event_type) {
  {
    std::lock_guard lock(mutex_);
    state_[part] = value;
    rendered_.reset();  // before the event goes out: a client told of it then reads the new state
  }
  events_.publish(event_type, std::move(value));
}

}  // namespace ehagent::agent
