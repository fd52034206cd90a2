#pragma once
// Test helpers shared by every test folder (target ehagent::testsupport).
//
//  - TempDir: a fresh directory under $TMPDIR, removed with everything in it at the end.
//  - runCommand(argv, stdin): runs a program without a shell, feeds stdin, and returns the exit
//    code with everything it wrote. Use it for the independent verifiers (openssl, xmlsec1, node).
//    runShell(command) is the same for a shell command line, with stderr folded into out.
//    A program that keeps running in the background is a ChildProcess (child_process.hpp).
//  - SpecimenCopy: the specimen (ehagent-sandbox specimen, generated once per build into
//    specimenDir()) with a private copy of its SoftHSM2 token directory and its own
//    softhsm2.conf; SOFTHSM2_CONF points at it for the object's lifetime. Make one per fixture
//    (in SetUp) and load the module after it: SoftHSM reads the configuration in C_Initialize.
//    PKI files (pki/, ehealth/) are read from the pristine specimen; their layout is in
//    sandbox/README.md. Tokens: "Alice SPECIMEN" (RSA eID), "Bob SPECIMEN" (EC eID),
//    "eHealth Alice SPECIMEN", "eHealth Bob SPECIMEN"; user PIN 1234, SO PIN 12345678.
//  - Paths to built programs, set at build time: sandboxExe(), agentExe() (empty when the agent
//    executable is not part of the build), softhsmModule(); and bundledTrustDir(), the source
//    tree's data/trust (the real Belgian roots, which do not vouch for the specimen).
#include <filesystem>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ehagent::testsupport {

namespace fs = std::filesystem;

class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "ehagent-test");
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir();
  [[nodiscard]] const fs::path& path() const noexcept { return path_; }
  [[nodiscard]] fs::path operator/(const std::string& name) const { return path_ / name; }

 private:
  fs::path path_;
};

struct CommandResult {
  int exitCode = -1;  // 128 + signal number when the program was killed by a signal
  std::string out;
  std::string err;
};

// Runs argv[0] (searched in PATH) with the given stdin. Throws std::runtime_error only when the
// program cannot be started.
CommandResult runCommand(const std::vector<std::string>& argv, const std::string& input = {});
CommandResult runShell(const std::string& command);
// The same, as an exit code, with stdout and stderr in *output when given.
int runShell(const std::string& command, std::string* output);
// Whether `name` is a program in PATH.
bool commandExists(const std::string& name);
// Another local account, as on a terminal server where several people share the machine. It
// needs root (the tests that use it skip otherwise): LocalUser creates a system account without a
// home, named for this process, and deletes it again; runAs runs argv as that account (runuser).
[[nodiscard]] bool isRoot();
class LocalUser {
 public:
  LocalUser();
  ~LocalUser();
  LocalUser(const LocalUser&) = delete;
  LocalUser& operator=(const LocalUser&) = delete;
  [[nodiscard]] const std::string& name() const noexcept { return name_; }
  CommandResult runAs(const std::vector<std::string>& argv) const;

 private:
  std::string name_;
};
// A loopback TCP port that was free a moment ago (for programs that cannot listen on port 0).
unsigned short freePort();

void writeFile(const fs::path& path, std::string_view content);
void writeFile(const fs::path& path, const std::vector<std::uint8_t>& bytes);
[[nodiscard]] std::string readFile(const fs::path& path);

class SpecimenCopy {
 public:
  SpecimenCopy();
  SpecimenCopy(const SpecimenCopy&) = delete;
  SpecimenCopy& operator=(const SpecimenCopy&) = delete;
  ~SpecimenCopy();

  [[nodiscard]] const fs::path& dir() const noexcept { return dir_.path(); }
  [[nodiscard]] fs::path conf() const { return dir_.path() / "softhsm2.conf"; }
  [[nodiscard]] static fs::path pki(const std::string& file) { return specimenDir() / "pki" / file; }
  [[nodiscard]] static fs::path ehealth(const std::string& file) { return specimenDir() / "ehealth" / file; }

  [[nodiscard]] static fs::path specimenDir();

 private:
  TempDir dir_;
  std::optional<std::string> previousConf_;
};

[[nodiscard]] std::string sandboxExe();
[[nodiscard]] std::string agentExe();
[[nodiscard]] std::string softhsmModule();
[[nodiscard]] std::string bundledTrustDir();

}  // namespace ehagent::testsupport
