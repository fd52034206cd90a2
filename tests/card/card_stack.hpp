#pragma once
// One private card stack per test (tests/card/card-stack.sh): pcscd on its own socket, vpcd, and
// the virtual BELPIC card, read through OpenSC's opensc-pkcs11.so.
#include <filesystem>
#include <string>
#include <vector>

#include "tests/support/support.hpp"

namespace ehagent::cardtest {

namespace fs = std::filesystem;

// What the card suite needs on the machine; empty when all of it is there, else what is missing.
[[nodiscard]] std::string missingParts();

[[nodiscard]] std::string openscModule();

class CardStack {
 public:
  CardStack();  // starts pcscd and vpcd, with the reader empty
  ~CardStack();  // pulls the card and stops pcscd
  CardStack(const CardStack&) = delete;
  CardStack& operator=(const CardStack&) = delete;

  void insert(const std::string& who = "alice");
  void pull();

  // PCSCLITE_CSOCK_NAME=…: what a PC/SC client (OpenSC in any process) needs to find this pcscd.
  [[nodiscard]] std::string environment() const;
  // Runs a program with this stack's environment.
  testsupport::CommandResult run(std::vector<std::string> argv) const;
  // The card's own PIN counter (3 when never wrong), as the card keeps it.
  [[nodiscard]] int triesLeft() const;
  [[nodiscard]] const fs::path& dir() const { return temp_.path(); }

 private:
  void script(const std::vector<std::string>& args) const;
  testsupport::TempDir temp_{"ehagent-card"};
};

}  // namespace ehagent::cardtest
