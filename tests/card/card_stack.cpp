#include "tests/card/card_stack.hpp"

#include <stdexcept>

#include "pkcs11/module_list.hpp"

namespace ehagent::cardtest {

// The path the agent's default module search knows OpenSC by.
std::string openscModule() { return fs::exists(pkcs11::kOpenscModulePath) ? pkcs11::kOpenscModulePath : ""; }

std::string missingParts() {
  std::string missing;
  for (const char* program : {"pcscd", "systemd-socket-activate", "opensc-tool", "pkcs11-tool", "python3"}) {
    if (!testsupport::commandExists(program)) missing += std::string(" ") + program;
  }
  if (!fs::exists("/usr/lib/pcsc/drivers/serial/libifdvpcd.so")) missing += " vsmartcard-vpcd";
  if (openscModule().empty()) missing += " opensc-pkcs11";
  if (testsupport::runCommand({"python3", "-c", "import cryptography"}).exitCode != 0) missing += " python3-cryptography";
  return missing;
}

CardStack::CardStack() { script({"start", dir().string()}); }

CardStack::~CardStack() {
  try {
    script({"stop", dir().string()});
  } catch (const std::exception&) {
    // a destructor cannot fail the test; the stop already killed what it could
  }
}

void CardStack::script(const std::vector<std::string>& args) const {
  std::vector<std::string> argv{EHAGENT_CARD_STACK};
  argv.insert(argv.end(), args.begin(), args.end());
  const testsupport::CommandResult result = testsupport::runCommand(argv);
  if (result.exitCode != 0) {
    throw std::runtime_error("card-stack.sh " + args.front() + " failed: " + result.out + result.err);
  }
}

void CardStack::insert(const std::string& who) {
  script({"insert", dir().string(), testsupport::SpecimenCopy::pki("").string(), who});
}

void CardStack::pull() { script({"pull", dir().string()}); }

std::string CardStack::environment() const { return "PCSCLITE_CSOCK_NAME=" + (dir() / "pcscd.comm").string(); }

testsupport::CommandResult CardStack::run(std::vector<std::string> argv) const {
  argv.insert(argv.begin(), {"env", environment()});
  return testsupport::runCommand(argv);
}

int CardStack::triesLeft() const {
  const fs::path file = dir() / "card-state" / "tries";
  if (!fs::exists(file)) return 3;
  return std::stoi(testsupport::readFile(file));
}

}  // namespace ehagent::cardtest
