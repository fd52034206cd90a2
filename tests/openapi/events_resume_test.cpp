// GET /v1/events resumes after Last-Event-ID: the ring of recent events on its own, then over the
// real `ehagent serve` with card changes made while no stream was open.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <sstream>

#include "agent/store/events.hpp"
#include "tests/session/agent_harness.hpp"

namespace ehagent::agent {
namespace {

using Clock = std::chrono::steady_clock;

TEST(EventReplay, ResumesWhileTheRingHoldsEveryMissedEvent) {
  EventBus bus(4);
  for (int n = 1; n <= 10; ++n) bus.publish("card.inserted", {{"n", n}});
  std::vector<std::uint64_t> live;
  const auto subscribe = [&](const std::string& last_event_id) {
    EventBus::Replay replay;
    bus.unsubscribe(bus.subscribe([&](const Event& e) { live.push_back(e.id); }, last_event_id, replay));
    return replay;
  };
  const EventBus::Replay resumed = subscribe(bus.eventId(6));  // the ring holds 7 to 10
  ASSERT_TRUE(resumed.missed.has_value());
  ASSERT_EQ(resumed.missed->size(), 4u);
  EXPECT_EQ(resumed.missed->front().id, 7u);
  EXPECT_EQ(resumed.missed->back().data["n"], 10);
  EXPECT_EQ(resumed.last_event, 10u);
  const EventBus::Replay up_to_date = subscribe(bus.eventId(10));
  ASSERT_TRUE(up_to_date.missed.has_value());
  EXPECT_TRUE(up_to_date.missed->empty());
  // Too old, of the future, of another run, or no id at all: the stream starts with the state.
  for (const std::string& id : {bus.eventId(5), bus.eventId(11), EventBus().eventId(8), std::string("8"),
                                bus.eventId(8) + "x", std::string()}) {
    EXPECT_FALSE(subscribe(id).missed.has_value()) << id;
  }
  EXPECT_TRUE(live.empty());
}

TEST(EventReplay, NoEventFallsBetweenTheReplayAndTheLiveStream) {
  EventBus bus(8);
  bus.publish("a", 1);
  EventBus::Replay replay;
  std::vector<std::uint64_t> live;
  const auto id = bus.subscribe([&](const Event& e) { live.push_back(e.id); }, bus.eventId(0), replay);
  bus.publish("b", 2);
  bus.unsubscribe(id);
  ASSERT_TRUE(replay.missed.has_value());
  ASSERT_EQ(replay.missed->size(), 1u);
  EXPECT_EQ(replay.missed->front().id, 1u);
  EXPECT_EQ(live, std::vector<std::uint64_t>{2});
}

// One SSE frame as the stream sent it.
struct Frame {
  std::string id;
  std::string event;
  std::string data;
};

// An open GET /v1/events, with the Last-Event-ID header when one is given.
class EventStream {
 public:
  EventStream(const sessiontest::AgentHarness& agent, const std::string& last_event_id) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(agent.port());
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd_ < 0 || ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      throw std::runtime_error("cannot connect to the agent");
    }
    std::string request = "GET /v1/events HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(agent.port()) +
                          "\r\nAuthorization: Bearer " + agent.key() + "\r\n";
    if (!last_event_id.empty()) request += "Last-Event-ID: " + last_event_id + "\r\n";
    request += "\r\n";
    if (::send(fd_, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size())) {
      throw std::runtime_error("cannot send the request");
    }
  }
  ~EventStream() { ::close(fd_); }
  EventStream(const EventStream&) = delete;
  EventStream& operator=(const EventStream&) = delete;

  // Reads until the text holds `needle` (or the deadline passes); returns everything read so far.
  const std::string& readUntil(const std::string& needle, std::chrono::seconds deadline = std::chrono::seconds(20)) {
    const auto end = Clock::now() + deadline;
    while (text_.find(needle) == std::string::npos && Clock::now() < end) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) continue;
      char buffer[4096];
      const ssize_t n = ::read(fd_, buffer, sizeof buffer);
      if (n <= 0) break;
      text_.append(buffer, static_cast<std::size_t>(n));
    }
    return text_;
  }

  // The complete frames read so far (the comment lines are not frames).
  std::vector<Frame> frames() const {
    std::vector<Frame> out;
    const std::size_t body = text_.find("\r\n\r\n");
    if (body == std::string::npos) return out;
    for (std::size_t start = body + 4, end; (end = text_.find("\n\n", start)) != std::string::npos; start = end + 2) {
      Frame frame;
      std::istringstream lines(text_.substr(start, end - start));
      for (std::string line; std::getline(lines, line);) {
        if (line.starts_with("id: ")) frame.id = line.substr(4);
        if (line.starts_with("event: ")) frame.event = line.substr(7);
        if (line.starts_with("data: ")) frame.data = line.substr(6);
      }
      if (!frame.event.empty()) out.push_back(std::move(frame));
    }
    return out;
  }

 private:
  int fd_ = -1;
  std::string text_;
};

// The number after the run prefix of an event id ("3f9a0c1e-7": 7).
std::uint64_t numberOf(const std::string& id) { return std::stoull(id.substr(id.rfind('-') + 1)); }

class EventResumeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    agent_.fault().removeCard("Bob SPECIMEN");  // Alice alone is the practitioner
    agent_.start();
    ASSERT_TRUE(agent_.waitForStatus([](const nlohmann::json& s) { return s["practitioner"].is_object(); }))
        << agent_.stderrLog();
  }
  bool aliceIn(const nlohmann::json& s) const {
    for (const auto& reader : s["readers"]) {
      if (reader.value("token", "") == sessiontest::kAliceEid) return true;
    }
    return false;
  }
  sessiontest::AgentHarness agent_;
};

TEST_F(EventResumeTest, AReconnectGetsTheEventsItMissedAndThenTheLiveOnes) {
  std::string state_id;
  {
    EventStream first(agent_, "");
    first.readUntil("event: state\n");
    first.readUntil("\n\n", std::chrono::seconds(5));
    const auto frames = first.frames();
    ASSERT_FALSE(frames.empty()) << first.readUntil("");
    EXPECT_EQ(frames[0].event, "state");
    state_id = frames[0].id;
  }
  // Changes while no stream is open.
  agent_.fault().removeCard(sessiontest::kAliceEid);
  ASSERT_TRUE(agent_.waitForStatus([&](const nlohmann::json& s) { return !aliceIn(s); }));

  EventStream resumed(agent_, state_id);
  resumed.readUntil("event: status.session\n");
  // The same stream goes on live: the card back in.
  agent_.fault().insertCard(sessiontest::kAliceEid);
  const std::string& seen = resumed.readUntil("event: card.identified\n");
  const auto frames = resumed.frames();
  ASSERT_FALSE(frames.empty()) << seen;
  EXPECT_NE(frames[0].event, "state") << seen;
  std::uint64_t expected = numberOf(state_id) + 1;
  std::vector<std::string> names;
  for (const Frame& frame : frames) {
    EXPECT_EQ(numberOf(frame.id), expected++) << "events missed or repeated:\n" << seen;
    names.push_back(frame.event);
  }
  // Missed while away, then live.
  const auto removed = std::find(names.begin(), names.end(), "card.removed");
  const auto inserted = std::find(names.begin(), names.end(), "card.inserted");
  ASSERT_TRUE(removed != names.end() && inserted != names.end()) << seen;
  EXPECT_TRUE(removed < inserted) << seen;
  EXPECT_NE(frames[removed - names.begin()].data.find(sessiontest::kAliceEid), std::string::npos) << seen;
}

TEST_F(EventResumeTest, AnIdNotOfThisRunStartsWithTheState) {
  for (const std::string id : {"00000000-1", "garbage", "1"}) {
    EventStream stream(agent_, id);
    stream.readUntil("\n\n", std::chrono::seconds(5));
    stream.readUntil("event: state\n", std::chrono::seconds(5));
    const auto frames = stream.frames();
    ASSERT_FALSE(frames.empty()) << id;
    EXPECT_EQ(frames[0].event, "state") << id;
    EXPECT_TRUE(nlohmann::json::parse(frames[0].data).contains("readers")) << id;
  }
}

TEST_F(EventResumeTest, AQuietStreamSendsKeepAliveComments) {
  EventStream stream(agent_, "");
  const std::string& seen = stream.readUntil("\n: keep-alive\n\n", std::chrono::seconds(25));
  EXPECT_NE(seen.find("\n: keep-alive\n\n"), std::string::npos) << seen;
}

}  // namespace
}  // namespace ehagent::agent
