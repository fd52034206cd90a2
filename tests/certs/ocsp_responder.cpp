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

fs::path writeIndex(const fs::path& dir, const std::vector<IndexEntry>& entries) {
  const fs::path index = dir / "index.txt";
  std::string text;
  for (const IndexEntry& e : entries) {
    text += std::string(e.revoked ? "R" : "V") + "\t351231235959Z\t" + (e.revoked ? "240101000000Z,keyCompromise" : "") +
            "\t" + e.serialHex + "\tunknown\t" + e.subject + "\n";
  }
  writeText(index, text);
  writeText(dir / "index.txt.attr", "unique_subject = no\n");
  return index;
}

fs::path writeCaIndex(const TestPki& pki) {
  return writeIndex(pki.dir, {{pki.aliceEhealthSerial, "/CN=SSIN=78031215280", false},
                              {pki.bobEhealthSerial, "/CN=SSIN=82110523358", true}});
}

fs::path makeCrl(const fs::path& dir, const fs::path& index, const fs::path& ca, const fs::path& caKey) {
  const fs::path cnf = dir / "crl.cnf";
  writeText(dir / "crlnumber", "01\n");
  writeText(cnf, "[ca]\ndefault_ca = d\n[d]\ndatabase = " + index.string() +
                     "\ncrlnumber = " + (dir / "crlnumber").string() +
                     "\ndefault_md = sha256\ndefault_crl_days = 7\n");
  const fs::path crl = dir / (ca.stem().string() + ".crl.pem");
  run("openssl ca -gencrl -config '" + cnf.string() + "' -keyfile '" + caKey.string() + "' -cert '" +
          ca.string() + "' -out '" + crl.string() + "'",
      dir / "openssl.log");
  return crl;
}

fs::path makeCrl(const TestPki& pki) {
  return makeCrl(pki.dir, writeCaIndex(pki), pki.ehealthCa, pki.ehealthCaKey);
}

OcspResponder::OcspResponder(const TestPki& pki)
    : OcspResponder(OcspResponderSetup{pki.dir, writeCaIndex(pki), pki.ehealthCa, pki.ocspSigner, pki.ocspSignerKey}) {}

OcspResponder::OcspResponder(const OcspResponderSetup& setup) {
  port_ = freeLoopbackPort();
  const std::string log = (setup.dir / "ocsp-responder.log").string();
  std::vector<std::string> args{"openssl", "ocsp", "-index", setup.index.string(), "-port",
                                std::to_string(port_), "-rsigner", setup.signer.string(),
                                "-rkey", setup.signerKey.string(), "-CA", setup.ca.string(),
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
