#pragma once
// GET /v1/events as Server-Sent Events: the current state first, then every published event,
// with a comment line as heartbeat so proxies and clients notice a dead agent. A client that
// reconnects with Last-Event-ID (EventSource does on its own) gets the events it missed instead of
// the state, when the bus still holds them all; otherwise the state, whose id is that of the newest
// event it already reflects.
#include <atomic>
#include <chrono>
#include <deque>
#include <memory>
#include <string>

#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>

#include "agent/http/router.hpp"

namespace ehagent::agent {

std::string sseHead(const Response& response);
std::string lastEventId(const Request& request);  // the header; empty without one
std::string sseFrame(const std::string& id, const std::string& type, const nlohmann::json& data);
// What the stream sends first: the missed events, or the state.
std::string sseStart(const EventBus& bus, const EventBus::Replay& replay, const StateBoard& state);

inline constexpr std::chrono::seconds kSseKeepAlive{15};

template <class Stream>
boost::asio::awaitable<void> streamEvents(Stream& stream, RequestContext& context, const Request& request,
                                          const Response& head, std::atomic<bool>& stopping) {
  namespace asio = boost::asio;
  struct Mailbox {
    explicit Mailbox(typename Stream::executor_type executor) : timer(executor) {}
    std::deque<std::string> frames;
    asio::steady_timer timer;
  };
  auto mailbox = std::make_shared<Mailbox>(stream.get_executor());
  auto executor = stream.get_executor();
  // The sink runs on the publisher's thread; it hands the frame to this stream's own thread, where
  // the loop below checks the mailbox, so no wake-up is lost.
  EventBus& bus = context.server.events;
  EventBus::Replay replay;
  const std::uint64_t subscription = bus.subscribe(
      [mailbox, executor, &bus](const Event& event) {
        asio::post(executor, [mailbox, frame = sseFrame(bus.eventId(event.id), event.type, event.data)] {
          mailbox->frames.push_back(frame);
          mailbox->timer.cancel();
        });
      },
      lastEventId(request), replay);
  struct Unsubscribe {
    EventBus& bus;
    std::uint64_t id;
    ~Unsubscribe() { bus.unsubscribe(id); }
  } unsubscribe{bus, subscription};

  boost::system::error_code ec;
  stream.expires_never();
  const std::string first = sseHead(head) + sseStart(bus, replay, context.server.state);
  co_await asio::async_write(stream, asio::buffer(first), asio::redirect_error(asio::use_awaitable, ec));
  while (!ec && !stopping) {
    if (mailbox->frames.empty()) {
      mailbox->timer.expires_after(kSseKeepAlive);
      boost::system::error_code wait_ec;
      co_await mailbox->timer.async_wait(asio::redirect_error(asio::use_awaitable, wait_ec));
      if (!wait_ec && mailbox->frames.empty()) mailbox->frames.push_back(": keep-alive\n\n");
      continue;
    }
    const std::string frame = std::move(mailbox->frames.front());
    mailbox->frames.pop_front();
    co_await asio::async_write(stream, asio::buffer(frame), asio::redirect_error(asio::use_awaitable, ec));
  }
}

}  // namespace ehagent::agent
