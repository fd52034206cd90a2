// The doctor's checks of the card stack: pcscd answers on its socket, PC/SC sees the readers and
// the cards in them, and the eID middleware can do everything the agent asks of it. Each check
// only looks; PC/SC is asked directly (libpcsclite), not through a PKCS#11 module, so that a
// reader shows even when no module knows its card.
#include <winscard.h>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "installer/doctor.hpp"
#include "pkcs11/module_list.hpp"

namespace ehagent::installer {
namespace {

// libpcsclite finds pcscd through PCSCLITE_CSOCK_NAME, else at its compiled-in path.
std::string pcscdSocket() {
  const char* env = std::getenv("PCSCLITE_CSOCK_NAME");
  return env && *env ? env : "/run/pcscd/pcscd.comm";
}

struct Reader {
  std::string name;
  bool card = false;
};

// The readers PC/SC lists, each with whether a card is in it; `error` is set when PC/SC itself
// fails.
std::vector<Reader> listReaders(std::string& error) {
  SCARDCONTEXT context = 0;
  LONG rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, nullptr, nullptr, &context);
  if (rv != SCARD_S_SUCCESS) {
    error = pcsc_stringify_error(rv);
    return {};
  }
  std::vector<Reader> readers;
  DWORD length = 0;
  rv = SCardListReaders(context, nullptr, nullptr, &length);
  if (rv == SCARD_S_SUCCESS && length > 0) {
    std::string names(length, '\0');
    rv = SCardListReaders(context, nullptr, names.data(), &length);
    for (const char* p = names.c_str(); rv == SCARD_S_SUCCESS && *p; p += std::strlen(p) + 1) readers.push_back({p});
  }
  if (rv != SCARD_S_SUCCESS && rv != SCARD_E_NO_READERS_AVAILABLE) error = pcsc_stringify_error(rv);
  std::vector<SCARD_READERSTATE> states(readers.size());
  for (std::size_t i = 0; i < readers.size(); ++i) {
    states[i].szReader = readers[i].name.c_str();
    states[i].dwCurrentState = SCARD_STATE_UNAWARE;
  }
  if (!states.empty() && SCardGetStatusChange(context, 0, states.data(), static_cast<DWORD>(states.size())) == SCARD_S_SUCCESS) {
    for (std::size_t i = 0; i < readers.size(); ++i) readers[i].card = (states[i].dwEventState & SCARD_STATE_PRESENT) != 0;
  }
  SCardReleaseContext(context);
  return readers;
}

bool uses(const std::vector<std::string>& modules, const std::string& name) {
  return std::any_of(modules.begin(), modules.end(),
                     [&](const std::string& m) { return std::filesystem::path(m).filename().string().find(name) != std::string::npos; });
}

void checkPcscdAndReaders(std::vector<Check>& out) {
  const std::string socket = pcscdSocket();
  if (!std::filesystem::exists(socket)) {
    out.push_back({"pcscd", "warn", "pcscd is not running (no " + socket + ")",
                   "install and start pcscd: apt install pcscd && systemctl enable --now pcscd.socket"});
    return;  // without pcscd there are no readers to list
  }
  const int fd = connectUnixSocket(socket);
  if (fd >= 0) ::close(fd);
  if (fd < 0) {
    out.push_back({"pcscd", "fail", "pcscd's socket " + socket + " refuses connections: pcscd stopped or hangs",
                   "restart it: systemctl restart pcscd.socket pcscd"});
    return;
  }
  out.push_back({"pcscd", "ok", "pcscd answers on " + socket, ""});

  std::string error;
  const std::vector<Reader> readers = listReaders(error);
  if (!error.empty()) {
    out.push_back({"readers", "fail", "PC/SC: " + error, "restart pcscd: systemctl restart pcscd"});
  } else if (readers.empty()) {
    out.push_back({"readers", "warn", "no card reader is connected",
                   "plug in the reader; a USB reader needs libccid (apt install libccid), then check with opensc-tool -l"});
  } else {
    std::string detail;
    for (const Reader& r : readers) detail += (detail.empty() ? "" : ", ") + r.name + (r.card ? " (card in)" : " (empty)");
    out.push_back({"readers", "ok", detail, ""});
  }
}

void checkEidMiddleware(const std::vector<std::string>& modules, std::vector<Check>& out) {
  if (std::filesystem::exists(pkcs11::kBeidModulePath)) {
    out.push_back({"eid_middleware", "ok", pkcs11::kBeidModulePath, ""});
  } else if (uses(modules, "opensc-pkcs11")) {
    out.push_back({"eid_middleware", "warn",
                   "OpenSC reads the eID (login and JWTs work), but its BELPIC driver refuses the Signature key: "
                   "POST /v1/sign answers key_refused_by_middleware",
                   "for qualified signatures install eid-mw from https://eid.belgium.be and list " +
                       std::string(pkcs11::kBeidModulePath) + " first in agent.toml's modules"});
  } else {
    out.push_back({"eid_middleware", "warn",
                   "the Belgian eID middleware is not installed (no " + std::string(pkcs11::kBeidModulePath) + ")",
                   "install eid-mw from https://eid.belgium.be, or OpenSC (apt install opensc-pkcs11) for login only"});
  }
}

}  // namespace

int connectUnixSocket(const std::string& path) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

void checkCardStack(const std::vector<std::string>& modules, std::vector<Check>& out) {
  checkPcscdAndReaders(out);
  checkEidMiddleware(modules, out);
}

}  // namespace ehagent::installer
