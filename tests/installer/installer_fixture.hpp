#pragma once
// A fresh SoftHSM configuration, state dir and test PKI per test, and a way to run the real
// ehagent-install binary against them.
#include <gtest/gtest.h>

#include <string>

#include "tests/certs/test_pki.hpp"

namespace ehagent::installer::testing {

namespace fs = std::filesystem;
using certs::testing::readFile;
using certs::testing::writeFile;

struct Outcome {
  int exitCode = -1;
  std::string output;  // stdout and stderr together
};

class InstallerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    try {
      pki_ = certs::testing::makeTestPki(dir_.path());
      fs::create_directories(dir_.path() / "tokens");
      writeFile(dir_.path() / "softhsm2.conf",
                "directories.tokendir = " + (dir_.path() / "tokens").string() +
                    "\nobjectstore.backend = file\nlog.level = ERROR\n");
      fs::create_directories(dir_.path() / "bundled");
      fs::copy_file(pki_.ehealthCa, dir_.path() / "bundled" / "ehealth_ca.pem");
      writeFile(dir_.path() / "password", pki_.p12Password + "\n");
      writeFile(dir_.path() / "wrong-password", "not-it\n");
      writeFile(dir_.path() / "pin", "1234\n");
    } catch (const std::exception& e) {
      FAIL() << e.what();
    }
  }

  // XDG_RUNTIME_DIR and DBUS_SESSION_BUS_ADDRESS point where no systemd user manager can be,
  // so `systemctl --user` fails here even on a machine that runs one. The scripted pinentry
  // (when agent.toml names it) reads pinentry.script.
  std::string env() const {
    return "SOFTHSM2_CONF='" + (dir_.path() / "softhsm2.conf").string() + "' XDG_STATE_HOME='" +
           (dir_.path() / "xdg-state").string() + "' XDG_CONFIG_HOME='" +
           (dir_.path() / "xdg-config").string() + "' XDG_RUNTIME_DIR='" + (dir_.path() / "no-runtime").string() +
           "' DBUS_SESSION_BUS_ADDRESS='unix:path=" + (dir_.path() / "no-bus").string() +
           "' EHAGENT_PINENTRY_SCRIPT='" + (dir_.path() / "pinentry.script").string() +
           "' EHAGENT_PINENTRY_TRANSCRIPT='" + (dir_.path() / "pinentry.transcript").string() + "' ";
  }

  void writeConfig(const std::string& toml) const { writeFile(dir_.path() / "agent.toml", toml); }

  // stdin is /dev/null: no test waits on a terminal, and `certs remove` sees no terminal.
  Outcome shell(const std::string& command) const {
    const auto result = testsupport::runShell(env() + command + " </dev/null");
    return {result.exitCode, result.out};
  }

  Outcome install(const std::string& args) const {
    return shell(std::string("'") + EHAGENT_INSTALL_BIN + "' --state-dir '" +
                 (dir_.path() / "state").string() + "' --config '" +
                 (dir_.path() / "agent.toml").string() + "' --bundled-trust '" +
                 (dir_.path() / "bundled").string() + "' " + args);
  }

  Outcome importP12(const fs::path& p12, const std::string& passwordFile = "password") const {
    return install("certs import '" + p12.string() + "' --module " EHAGENT_SOFTHSM_MODULE
                   " --password-file '" + (dir_.path() / passwordFile).string() + "' --pin-file '" +
                   (dir_.path() / "pin").string() + "'");
  }

  // pkcs11-tool's view of the token: an independent reader.
  Outcome listObjects(const std::string& token = "eHealth 78031215280") const {
    return shell("pkcs11-tool --module " EHAGENT_SOFTHSM_MODULE " --token-label '" + token +
                 "' --login --pin 1234 --list-objects");
  }

  certs::testing::TempDir dir_;
  certs::testing::TestPki pki_;
};

}  // namespace ehagent::installer::testing
