#include "tests/certs/ocsp_responder.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

namespace ehagent::certs::testing {
namespace fs = std::filesystem;

namespace {

int freeLoopbackPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    close(fd);
    throw std::runtime_error("cannot find a free port");
  }
  close(fd);
  return ntohs(addr.sin_port);
}

// `openssl ocsp` serves one connection at a time and blocks on an idle one, so readiness is
// read from its log ("ACCEPT" is printed once it listens) rather than probed with a connection.
bool listening(const std::string& log) {
  return readText(log).find("ACCEPT") != std::string::npos;
}

}  // namespace

fs::path writeCaIndex(const TestPki& pki) {
  const fs::path index = pki.dir / "index.txt";
  writeText(index,
            "V\t351231235959Z\t\t" + pki.aliceEhealthSerial + "\tunknown\t/CN=SSIN=78031215280\n" +
                "R\t351231235959Z\t240101000000Z,keyCompromise\t" + pki.bobEhealthSerial +
                "\tunknown\t/CN=SSIN=82110523358\n");
  writeText(pki.dir / "index.txt.attr", "unique_subject = no\n");
  return index;
}

fs::path makeCrl(const TestPki& pki) {
  const fs::path index = writeCaIndex(pki);
  const fs::path cnf = pki.dir / "ca.cnf";
  writeText(pki.dir / "crlnumber", "01\n");
  writeText(cnf, "[ca]\ndefault_ca = d\n[d]\ndatabase = " + index.string() +
                     "\ncrlnumber = " + (pki.dir / "crlnumber").string() +
                     "\ndefault_md = sha256\ndefault_crl_days = 7\n");
  const fs::path crl = pki.dir / "ehealth.crl.pem";
  run("openssl ca -gencrl -config '" + cnf.string() + "' -keyfile '" + pki.ehealthCaKey.string() +
          "' -cert '" + pki.ehealthCa.string() + "' -out '" + crl.string() + "'",
      pki.dir / "openssl.log");
  return crl;
}

OcspResponder::OcspResponder(const TestPki& pki) {
  const fs::path index = writeCaIndex(pki);
  port_ = freeLoopbackPort();
  const std::string log = (pki.dir / "ocsp-responder.log").string();
  std::vector<std::string> args{"openssl", "ocsp", "-index", index.string(), "-port",
                                std::to_string(port_), "-rsigner", pki.ocspSigner.string(),
                                "-rkey", pki.ocspSignerKey.string(), "-CA", pki.ehealthCa.string(),
                                "-nmin", "5", "-ignore_err"};
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    const int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
    }
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execvp("openssl", argv.data());
    _exit(127);
  }
  // Poll with a generous deadline: the responder is ready once it accepts a connection.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!listening(log)) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("openssl ocsp exited; see " + log);
    }
    if (std::chrono::steady_clock::now() > deadline) {
      stop();
      throw std::runtime_error("openssl ocsp did not start listening; see " + log);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

void OcspResponder::stop() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

OcspResponder::~OcspResponder() { stop(); }

}  // namespace ehagent::certs::testing
