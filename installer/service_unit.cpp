#include "installer/service_unit.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <sstream>
#include <stdexcept>

#include "agent/config/paths.hpp"

namespace ehagent::installer {
namespace fs = std::filesystem;
namespace {

bool isExecutable(const fs::path& p) { return !p.empty() && ::access(p.c_str(), X_OK) == 0 && fs::is_regular_file(p); }

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

}  // namespace

fs::path userUnitDir() { return agent::userConfigHome() / "systemd" / "user"; }

std::string execWord(const std::string& word) {
  std::string escaped;
  bool quote = word.empty();
  for (const char c : word) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      throw std::invalid_argument("a unit file cannot carry control characters: " + word);
    }
    if (c == ' ' || c == '"' || c == '\'' || c == '\\' || c == ';') quote = true;
    if (c == '%') escaped += "%%";
    else if (c == '$') escaped += "$$";
    else if (c == '"' || c == '\\') escaped += std::string("\\") + c;
    else escaped += c;
  }
  return quote ? "\"" + escaped + "\"" : escaped;
}

std::string execStartLine(const ServiceSettings& s) {
  std::string exec = execWord(s.agentBinary.string()) + " serve";
  if (!s.configFile.empty()) exec += " --config " + execWord(s.configFile.string());
  exec += " --state-dir " + execWord(s.stateDir.string());
  if (!s.bundledTrust.empty()) exec += " --bundled-trust " + execWord(s.bundledTrust.string());
  return exec;
}

std::string serviceUnitText(const ServiceSettings& s) {
  const std::string exec = execStartLine(s);
  std::ostringstream u;
  u << "# Written by ehagent-install service install; ehagent-install service uninstall removes it.\n"
       "[Unit]\n"
       "Description=ehagent: the practitioner's eID and eHealth agent\n"
       "\n"
       "[Service]\n"
       "Type=notify\n"
    << "ExecStart=" << exec << "\n"
    << "Restart=on-failure\n"
       "RestartSec=2\n"
       "# Hardening a user manager can apply without user namespaces (seccomp and prctl only).\n"
       "# ProtectSystem=, ProtectHome= and PrivateTmp= are left out: in a user unit they need\n"
       "# unprivileged user namespaces, and where the kernel has them off the agent would not start.\n"
       "UMask=0077\n"
       "NoNewPrivileges=yes\n"
       "LockPersonality=yes\n"
       "RestrictRealtime=yes\n"
       "RestrictSUIDSGID=yes\n"
       "RestrictNamespaces=yes\n"
       "SystemCallArchitectures=native\n"
       "# AF_UNIX for pcscd and the API socket, AF_INET/AF_INET6 for the loopback API and the\n"
       "# eHealth services, AF_NETLINK for the resolver's address checks.\n"
       "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK\n"
       "\n"
       "[Install]\n"
       "WantedBy=default.target\n";
  return u.str();
}

fs::path findAgentBinary() {
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (!ec && isExecutable(self.parent_path() / "ehagent")) return self.parent_path() / "ehagent";
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path != nullptr ? path : "");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    if (!dir.empty() && dir[0] == '/' && isExecutable(fs::path(dir) / "ehagent")) return fs::path(dir) / "ehagent";
  }
  return {};
}

Systemctl systemctlUser(const std::vector<std::string>& args) {
  int fds[2];
  if (::pipe(fds) != 0) return {127, "cannot create a pipe"};
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    return {127, "cannot fork"};
  }
  if (pid == 0) {
    ::dup2(fds[1], STDOUT_FILENO);
    ::dup2(fds[1], STDERR_FILENO);
    ::close(fds[0]);
    ::close(fds[1]);
    std::vector<std::string> words{"systemctl", "--user"};
    words.insert(words.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& w : words) argv.push_back(w.data());
    argv.push_back(nullptr);
    ::execvp("systemctl", argv.data());
    ::_exit(127);
  }
  ::close(fds[1]);
  Systemctl result;
  char buf[1024];
  for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;) result.output.append(buf, static_cast<std::size_t>(n));
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  result.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.output = trimmed(result.output);
  if (result.exitCode == 127 && result.output.empty()) result.output = "systemctl is not installed";
  return result;
}

bool userManagerReachable(std::string& why) {
  const Systemctl probe = systemctlUser({"show-environment"});
  if (probe.exitCode == 0) return true;
  why = probe.output.empty() ? "systemctl --user exited with " + std::to_string(probe.exitCode) : probe.output;
  return false;
}

}  // namespace ehagent::installer
