#pragma once
// A fresh SoftHSM2 store per test with two small cards behind the fault module: "Alice SPECIMEN"
// (an RSA-2048 "Authentication" key) and "Bob SPECIMEN" (EC P-384), both PIN 1234, keys made with
// the openssl CLI so that signatures can be checked against their public halves independently.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "pkcs11/module.hpp"
#include "core/secret.hpp"
#include "pkcs11/session.hpp"
#include "tests/p11fault/fault_control.hpp"
#include "tests/support/support.hpp"

namespace ehagent::p11fault::testing {

inline constexpr const char* alice = "Alice SPECIMEN";
inline constexpr const char* bob = "Bob SPECIMEN";
// CKA_ID 2 as a native little-endian CK_ULONG, as the beid module lays it out.
inline constexpr const char* authentication_id = "0200000000000000";

class FaultFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(dir_ / "tokens");
    std::ofstream(dir_ / "softhsm2.conf") << "directories.tokendir = " << (dir_ / "tokens").string()
                                           << "\nobjectstore.backend = file\nlog.level = ERROR\n";
    ASSERT_EQ(::setenv("SOFTHSM2_CONF", (dir_ / "softhsm2.conf").c_str(), 1), 0);
    ASSERT_EQ(::setenv(control_env_var, (dir_ / "p11fault.conf").c_str(), 1), 0);
    control_ = std::make_unique<FaultControl>(dir_ / "p11fault.conf");
    makeCard(alice, "alice", "-algorithm RSA -pkeyopt rsa_keygen_bits:2048");
    makeCard(bob, "bob", "-algorithm EC -pkeyopt ec_paramgen_curve:P-384");
    module_ = pkcs11::Module::load(FaultControl::modulePath().string());
  }

  void TearDown() override {
    module_.reset();
    ::unsetenv(control_env_var);
    ::unsetenv("SOFTHSM2_CONF");
  }

  // Runs a shell command line made only of fixed words and paths in our own temp dir.
  void run(const std::string& command) {
    std::string output;
    ASSERT_EQ(testsupport::runShell(command, &output), 0) << command << "\n" << output;
  }

  void makeCard(const std::string& label, const std::string& name, const std::string& keyOptions) {
    const auto key = (dir_ / (name + ".key")).string();
    run("softhsm2-util --init-token --free --label '" + label + "' --pin 1234 --so-pin 12345678");
    run("openssl genpkey " + keyOptions + " -out " + key);
    run("openssl pkey -in " + key + " -pubout -out " + (dir_ / (name + ".pub")).string());
    run("softhsm2-util --import " + key + " --token '" + label + "' --label Authentication --id " +
        std::string(authentication_id) + " --pin 1234");
  }

  [[nodiscard]] pkcs11::SlotId slotOf(const std::string& label) const {
    for (const auto slot : module_->slotIds(false)) {
      try {
        if (module_->tokenInfo(slot).label == label) return slot;
      } catch (const std::exception&) {
        // a removed card has no token info
      }
    }
    ADD_FAILURE() << "no slot holds " << label;
    return 0;
  }

  [[nodiscard]] pkcs11::ObjectHandle authenticationKey(const pkcs11::Session& session) const {
    const auto keys = session.find(pkcs11::ObjectClass::PrivateKey, std::string("Authentication"));
    EXPECT_EQ(keys.size(), 1U);
    return keys.empty() ? 0 : keys.front();
  }

  // Verifies an RSA PKCS#1 v1.5 SHA-256 signature with the openssl CLI against the public key.
  [[nodiscard]] bool opensslVerifies(const std::string& name, const std::string& data,
                                     const pkcs11::Bytes& signature) {
    const auto data_file = dir_ / "data.bin";
    const auto sig_file = dir_ / "signature.bin";
    testsupport::writeFile(data_file, data);
    testsupport::writeFile(sig_file, signature);
    return testsupport::runCommand({"openssl", "dgst", "-sha256", "-verify", (dir_ / (name + ".pub")).string(),
                                    "-signature", sig_file.string(), data_file.string()})
               .exitCode == 0;
  }

  testsupport::TempDir temp_{"ehagent-p11fault"};
  std::filesystem::path dir_ = temp_.path();
  std::unique_ptr<FaultControl> control_;
  std::shared_ptr<pkcs11::Module> module_;
};

}  // namespace ehagent::p11fault::testing
