#include <signal.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include "agent/cli/journal.hpp"
#include "agent/config/endpoint.hpp"
#include "agent/http/activation.hpp"

#include "agent/config/token_store.hpp"
#include "agent/store/audit.hpp"
#include "agent/session/card_monitor.hpp"
#include "agent/session/card_queue.hpp"
#include "agent/session/worker_pool.hpp"
#include "agent/cli/cli.hpp"
#include "agent/store/clients.hpp"
#include "agent/store/events.hpp"
#include "agent/config/paths.hpp"
#include "agent/routes/routes.hpp"
#include "agent/http/server.hpp"
#include "agent/session/session.hpp"

namespace ehagent::agent {
namespace {

// Network calls block a thread for as long as the remote party takes (up to its read timeout), so
// the pool is sized for calls waiting, not for CPU; beyond the depth a client gets 429 busy.
constexpr std::size_t kNetworkThreads = 4;
constexpr std::size_t kNetworkDepth = 64;

}  // namespace

Config loadEffectiveConfig(const CommonOptions& common) {
  Config config = common.config_file ? loadConfig(*common.config_file, true)
                                     : loadConfig(defaultConfigFile(), false);
  if (common.state_dir) config.state_dir = *common.state_dir;
  if (common.bundled_trust) config.bundled_trust_dir = *common.bundled_trust;
  return config;
}

void setUpLogging(const std::string& level, bool journal) {
  auto logger = makeAgentLogger(journal);
  logger->set_level(spdlog::level::from_str(level));
  spdlog::set_default_logger(logger);
}

namespace {

// Removes endpoint.json on the way out, unless a newer agent has written its own meanwhile.
struct EndpointFile {
  std::filesystem::path file;
  ~EndpointFile() {
    if (file.empty()) return;
    const auto current = readLiveEndpoint(file);
    std::error_code ec;
    if (!current || current->pid == ::getpid()) std::filesystem::remove(file, ec);
  }
};

}  // namespace

int runServe(const CommonOptions& common, const ServeOptions& options, std::ostream& out,
             std::ostream& err) {
  Config config;
  ListenAddress listen;
  try {
    config = loadEffectiveConfig(common);
    if (options.listen) config.listen = *options.listen;
    if (options.socket) config.socket = *options.socket;
    listen = effectiveListenAddress(config);
  } catch (const std::exception& e) {
    err << "ehagent: " << e.what() << "\n";
    return 2;
  }
  if (options.check_config) {
    out << "config ok\n";
    return 0;
  }
  const bool journal = stderrIsJournal();
  setUpLogging(config.log_level, journal);
  // OpenSSL's HTTP client (OCSP and CRL fetches at login) writes with write(2): a responder that
  // closes the connection before reading the request would otherwise end the agent with SIGPIPE.
  // Set before any thread starts, so that every thread inherits it.
  ::signal(SIGPIPE, SIG_IGN);
  try {
    // The user's own SoftHSM store (where certs import put the eHealth keystore), before any module loads.
    selectUserTokenStore(false);
    const std::filesystem::path state_dir = effectiveStateDir(config);
    ensurePrivateDirectory(state_dir);
    InstanceLock instance(state_dir);
    ClientStore clients(ClientStore::defaultFile(state_dir));
    AuditLog audit(AuditLog::defaultFile(state_dir));
    if (journal) audit.onAppend(journalAuditRow);
    CardQueues queues(config.card_queue_depth);
    WorkerPool network(kNetworkThreads, kNetworkDepth);
    EventBus events;
    StateBoard state(events);
    ServerContext context{config, clients, audit, queues, network, events, state, EHAGENT_VERSION};
    AgentSession session(context);
    context.session = &session;
    CardMonitor monitor(session, CardMonitorOptions{config.modules});
    monitor.start();
    ServerOptions server_options;
    server_options.tcp = listen;
    if (!options.no_socket) {
      server_options.socket = config.socket.empty() ? defaultSocketPath() : config.socket;
    }
    Server server(context, makeRouter(), server_options);
    server.bind();
    const Endpoint endpoint{listen.host, server.tcpPort(), server.socketPath(), EHAGENT_VERSION, ::getpid()};
    instance.describe(endpoint);
    EndpointFile published{endpointFileFor(server.socketPath().empty() ? config.socket : server.socketPath())};
    writeEndpointFile(published.file, endpoint);
    spdlog::info("ehagent {} listening on {}{}{}", EHAGENT_VERSION, formatListenAddress(listen.host, server.tcpPort()),
                 server.socketPath().empty() ? "" : " and ", server.socketPath().string());
    out << "ready tcp=" << formatListenAddress(listen.host, server.tcpPort()) << " unix=" << server.socketPath().string()
        << " endpoint=" << published.file.string() << std::endl;
    notifyReady();
    server.run();
    notifyStopping();
    spdlog::info("ehagent stopped");
  } catch (const std::exception& e) {
    spdlog::critical("{}", e.what());
    err << "ehagent: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace ehagent::agent
