#include "installer/doctor.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "certs/error.hpp"
#include "certs/expiry.hpp"
#include "agent/config/endpoint.hpp"
#include "agent/config/paths.hpp"
#include "agent/config/revocation.hpp"
#include "installer/certificate_checks.hpp"
#include "installer/token_certificates.hpp"

namespace ehagent::installer {
namespace fs = std::filesystem;
namespace {

struct Probe {
  bool connected = false;
  bool answered = false;  // an HTTP answer that looks like the agent's /v1/status
};

// One plain HTTP/1.1 request to the loopback listener with a 2 s receive bound.
Probe probeAgent(const agent::ListenAddress& addr) {
  Probe p;
  const bool v6 = addr.host.find(':') != std::string::npos;
  const int fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return p;
  timeval tv{2, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  int rc = -1;
  if (v6) {
    sockaddr_in6 sa{};
    sa.sin6_family = AF_INET6;
    sa.sin6_port = htons(addr.port);
    inet_pton(AF_INET6, addr.host.c_str(), &sa.sin6_addr);
    rc = connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa);
  } else {
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(addr.port);
    inet_pton(AF_INET, addr.host.c_str(), &sa.sin_addr);
    rc = connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa);
  }
  if (rc == 0) {
    p.connected = true;
    const std::string host = v6 ? "[" + addr.host + "]" : addr.host;
    const std::string req = "GET /v1/status HTTP/1.1\r\nHost: " + host + ":" +
                            std::to_string(addr.port) + "\r\nConnection: close\r\n\r\n";
    if (send(fd, req.data(), req.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(req.size())) {
      char buf[2048];
      const ssize_t n = recv(fd, buf, sizeof buf, 0);
      const std::string answer(buf, n > 0 ? static_cast<std::size_t>(n) : 0);
      p.answered = answer.rfind("HTTP/1.1 200", 0) == 0 && answer.find("json") != std::string::npos;
    }
  }
  close(fd);
  return p;
}

// The account that owns the socket listening on `port`, from the kernel's socket tables
// (/proc/net/tcp, tcp6; readable by every user). On a shared machine another user's agent answers
// on a loopback port exactly as this user's would: only its owner tells them apart.
std::optional<uid_t> listenerOwner(unsigned short port) {
  for (const char* table : {"/proc/net/tcp", "/proc/net/tcp6"}) {
    std::ifstream in(table);
    std::string line;
    std::getline(in, line);  // the header
    while (std::getline(in, line)) {
      std::istringstream fields(line);
      std::string slot, local, remote, state, queues, timer, retransmits;
      unsigned long uid = 0;
      if (!(fields >> slot >> local >> remote >> state >> queues >> timer >> retransmits >> uid)) continue;
      const std::size_t colon = local.rfind(':');
      constexpr const char* listening = "0A";
      if (colon == std::string::npos || state != listening) continue;
      if (std::stoul(local.substr(colon + 1), nullptr, 16) == port) return static_cast<uid_t>(uid);
    }
  }
  return std::nullopt;
}

std::string accountName(uid_t uid) {
  const passwd* entry = ::getpwuid(uid);
  const std::string number = "uid " + std::to_string(uid);
  return entry != nullptr ? std::string(entry->pw_name) + " (" + number + ")" : number;
}

// Whether this user's agent answers on its Unix socket: the socket is connectable and its peer,
// as the kernel reports it (SO_PEERCRED), is this user.
bool ownSocketAnswers(const fs::path& path) {
  const int fd = connectUnixSocket(path.string());
  if (fd < 0) return false;
  ucred peer{};
  socklen_t length = sizeof peer;
  const bool ours = ::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &length) == 0 && peer.uid == ::getuid();
  ::close(fd);
  return ours;
}

void checkModules(const std::vector<std::string>& modules, std::vector<Check>& out) {
  std::string found;
  for (const auto& m : modules) found += (found.empty() ? "" : ", ") + m;
  if (modules.empty()) {
    out.push_back({"pkcs11_modules", "fail", "no PKCS#11 module found",
                   "install the Belgian eID middleware (eid-mw) or OpenSC, or set modules in agent.toml"});
  } else {
    out.push_back({"pkcs11_modules", "ok", found, ""});
  }
}

void checkTokens(const std::vector<std::string>& modules, std::vector<Check>& out) {
  std::string detail, problems;
  for (const auto& t : listTokens(modules)) {
    if (!t.error.empty()) {
      problems += (problems.empty() ? "" : "; ") + t.module + ": " + t.error;
    } else {
      detail += (detail.empty() ? "" : ", ") + t.tokenLabel;
    }
  }
  if (!detail.empty()) {
    out.push_back({"tokens", problems.empty() ? "ok" : "warn", detail + (problems.empty() ? "" : "; " + problems),
                   problems.empty() ? "" : "check the modules named above"});
  } else {
    out.push_back({"tokens", "warn", problems.empty() ? "no token present" : problems,
                   "insert the eID card, or import the eHealth keystore: ehagent-install certs import FILE.p12"});
  }
}

void checkCertificates(const Context& ctx, const std::vector<std::string>& modules, std::vector<Check>& out) {
  const auto store = ctx.trustStore();
  if (store.certificates().empty()) {
    out.push_back({"trust_store", "fail", "no trusted CA certificates in " + ctx.bundledTrust.string() +
                                              " or " + ctx.trustDir().string(),
                   "reinstall ehagent, or add CAs: ehagent-install trust add FILE"});
  } else {
    std::string detail = std::to_string(store.certificates().size()) + " CA certificate(s)";
    for (const auto& p : store.problems()) detail += "; skipped " + p;
    out.push_back({"trust_store", store.problems().empty() ? "ok" : "warn", detail,
                   store.problems().empty() ? "" : "remove or replace the skipped files"});
  }
  const auto now = std::chrono::system_clock::now();
  certs::RevocationOptions revocation = agent::revocationOptions(ctx.config, ctx.stateDir);
  // The doctor looks and changes nothing: without a state dir there is no answer cache to use.
  if (!fs::is_directory(ctx.stateDir)) revocation.cacheFile.clear();
  certs::RevocationChecker checker(revocation, store);
  bool any = false;
  for (const auto& t : listTokenCertificates(modules)) {
    if (t.certificate.isCa()) continue;
    any = true;
    const auto expiry = certs::expiryAt(t.certificate, now);
    const auto verdict = judgeCertificate(t, store, checker, now);
    Check check{"certificate " + t.tokenLabel + "/" + t.objectLabel, verdict.state,
                std::string(certs::toString(expiry.state)) + ", " + std::to_string(expiry.daysLeft.count()) +
                    " days left, " + verdict.trust + ", revocation " + verdict.revocation,
                verdict.hint};
    if (expiry.state == certs::ExpiryState::Expired || expiry.state == certs::ExpiryState::NotYetValid) {
      check.state = "fail";
      check.hint = "renew the certificate and import the new keystore";
    } else if (expiry.state == certs::ExpiryState::Expiring && check.state == "ok") {
      check.state = "warn";
      check.hint = "renew the certificate soon";
    }
    out.push_back(std::move(check));
  }
  if (!any) out.push_back({"certificates", "warn", "no certificate on any token", "insert the eID card or import a keystore"});
}

void checkAgent(const Context& ctx, std::vector<Check>& out) {
  agent::ListenAddress addr;
  try {
    addr = agent::effectiveListenAddress(ctx.config);
  } catch (const std::exception& e) {
    out.push_back({"agent", "fail", e.what(), "fix listen in " + ctx.configFile.string()});
    return;
  }
  const fs::path socket = ctx.config.socket.empty() ? agent::defaultSocketPath() : fs::path(ctx.config.socket);
  // A running agent of this user says where it listens (it may have taken another port than the
  // per-user default); that is the one to check.
  if (const auto live = agent::readLiveEndpoint(agent::endpointFileFor(socket))) {
    addr.host = live->host;
    addr.port = live->port;
  }
  const std::string where = agent::formatListenAddress(addr.host, addr.port);
  const Probe p = probeAgent(addr);
  const std::optional<uid_t> owner = p.connected ? listenerOwner(addr.port) : std::nullopt;
  if (p.answered && owner && *owner != ::getuid()) {
    out.push_back({"agent", "fail",
                   "the agent on " + where + " is another user's, " + accountName(*owner) + "; yours " +
                       (ownSocketAnswers(socket) ? "answers on " + socket.string() + " only" : "is not running"),
                   "each user on this machine needs a port of their own: set listen = \"" + addr.host + ":" +
                       std::to_string(addr.port + 1) + "\" in " + ctx.configFile.string() +
                       ", then start yours: systemctl --user start ehagent"});
    out.push_back({"port", "fail", where + " is used by the agent of " + accountName(*owner), "choose another port"});
  } else if (p.answered) {
    const std::string whose = owner ? "yours, " + accountName(*owner) : "its owner could not be read from /proc/net/tcp";
    std::string detail = "answering on " + where + " (" + whose + ")";
    if (ownSocketAnswers(socket)) detail += " and on " + socket.string();
    out.push_back({"agent", owner ? "ok" : "warn", detail, owner ? "" : "check that the agent on the port is yours"});
    out.push_back({"port", "ok", where + " is used by your agent", ""});
  } else if (p.connected) {
    out.push_back({"agent", "fail", "something on " + where + " does not answer like the agent",
                   "stop the other program or change listen in agent.toml"});
    out.push_back({"port", "fail", where + " is used by another program", "choose another port"});
  } else {
    out.push_back({"agent", "warn", "not running on " + where,
                   "start it: systemctl --user start ehagent, or ehagent serve"});
    out.push_back({"port", "ok", where + " is free", ""});
  }
}

void checkStateDir(const Context& ctx, std::vector<Check>& out) {
  struct stat st {};
  if (stat(ctx.stateDir.c_str(), &st) != 0) {
    out.push_back({"state_dir", "warn", ctx.stateDir.string() + " does not exist yet",
                   "it is created on first use (mode 0700)"});
  } else if ((st.st_mode & 077) != 0 || st.st_uid != getuid()) {
    out.push_back({"state_dir", "fail", ctx.stateDir.string() + " is open to other users or not yours",
                   "chmod 700 " + ctx.stateDir.string()});
  } else {
    out.push_back({"state_dir", "ok", ctx.stateDir.string() + " (0700)", ""});
  }
}

}  // namespace

std::vector<Check> runDoctor(const Context& ctx, const std::vector<std::string>& extraModules) {
  std::vector<Check> out;
  std::vector<std::string> modules = ctx.modules();
  for (const auto& m : extraModules) {
    if (std::find(modules.begin(), modules.end(), m) == modules.end()) modules.push_back(m);
  }
  checkModules(modules, out);
  checkCardStack(modules, out);
  checkTokens(modules, out);
  checkCertificates(ctx, modules, out);
  checkAgent(ctx, out);
  checkStateDir(ctx, out);
  checkLoginPrerequisites(ctx, out);
  return out;
}

}  // namespace ehagent::installer
