#include "agent/store/events.hpp"

#include "agent/store/json_text.hpp"

namespace ehagent::agent {

std::uint64_t EventBus::subscribe(Sink sink) {
  std::lock_guard lock(mutex_);
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
