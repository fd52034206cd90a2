#include "sandbox/serve.hpp"

#include <csignal>
#include <ostream>
#include <stdexcept>

#include "sandbox/hub_service.hpp"
#include "sandbox/sandbox_pki.hpp"
#include "sandbox/server.hpp"
#include "sandbox/sts_service.hpp"
#include "tokens/sign/openssl_signer.hpp"

namespace ehagent::sandbox {
namespace {

namespace fs = std::filesystem;

certs::Certificate load(const fs::path& path) {
  if (!fs::exists(path)) throw std::runtime_error("the specimen lacks " + path.string() + " (run `ehagent-sandbox specimen` first)");
  return certs::Certificate::loadFile(path);
}

std::pair<std::string, std::uint16_t> splitListen(const std::string& listen) {
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos) throw std::invalid_argument("--listen wants HOST:PORT, got " + listen);
  std::string host = listen.substr(0, colon);
  if (host.size() > 1 && host.front() == '[') host = host.substr(1, host.size() - 2);
  const std::string port = listen.substr(colon + 1);
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos || std::stoi(port) > 65535) {
    throw std::invalid_argument("--listen has a bad port: " + listen);
  }
  return {host, static_cast<std::uint16_t>(std::stoi(port))};
}

}  // namespace

int runServeCommand(const ServeOptions& options, std::ostream& out, std::ostream& err) {
  try {
    const fs::path pki = options.specimen / "pki";
    // Block the stop signals before any thread starts, so that only sigwait below sees them.
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    if (pthread_sigmask(SIG_BLOCK, &stop, nullptr) != 0) throw std::runtime_error("cannot block SIGINT/SIGTERM");

    StsServiceOptions sts;
    for (const char* name : {"belgium-root-ca", "citizen-ca", "ehealth-ca"}) {
      sts.client_trust.push_back(load(pki / (std::string(name) + ".pem")));
    }
    const auto sts_cert = load(pki / "sandbox-sts.pem");
    sts.sts_signer = std::make_shared<tokens::OpenSslSigner>(tokens::OpenSslSigner::fromPemFile(pki / "sandbox-sts.key", sts_cert));
    sts.control_file = options.control;
    if (!options.practitioners.empty()) sts.practitioners = Practitioners::fromFile(options.practitioners);
    StsService sts_service(std::move(sts));

    HubServiceOptions hub;
    hub.stsTrust = {sts_cert};
    hub.controlFile = options.hub_control;
    hub.failPercent = options.hub_fail_percent;
    HubService hub_service(std::move(hub));

    const auto [host, port] = splitListen(options.listen);
    ServerOptions server_options;
    server_options.host = host;
    server_options.port = port;
    if (fs::exists(pki / "sandbox-tls.pem") && fs::exists(pki / "sandbox-tls.key")) {
      server_options.cert_file = (pki / "sandbox-tls.pem").string();
      server_options.key_file = (pki / "sandbox-tls.key").string();
    } else {
      const auto own = ensureSandboxPki(options.specimen / "sandbox");
      server_options.cert_file = own.tls_cert.string();
      server_options.key_file = own.tls_key.string();
    }
    Server server(server_options);
    sts_service.registerWith(server);
    hub_service.registerWith(server);
    server.start();
    out << "listening on https://" << (host.find(':') != std::string::npos ? "[" + host + "]" : host) << ":"
        << server.port() << std::endl;
    int signal_number = 0;
    sigwait(&stop, &signal_number);
    server.stop();
    return 0;
  } catch (const std::exception& e) {
    err << "ehagent-sandbox serve: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace ehagent::sandbox
