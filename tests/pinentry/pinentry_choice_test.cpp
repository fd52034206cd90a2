// pinentry = "auto": which program can show a dialog, from a PATH of real executables made here.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <string>

#include "agent/pin/pinentry_choice.hpp"
#include "tests/support/support.hpp"

namespace fs = std::filesystem;
using ehagent::agent::choosePinentry;
using ehagent::agent::PinentryEnvironment;
using ehagent::agent::PinentryOptions;
using ehagent::agent::PinentryUnavailable;

namespace testsupport = ehagent::testsupport;

namespace {

class PinentryChoice : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* path = std::getenv("PATH");
    saved_path_ = path != nullptr ? path : "";
    ASSERT_EQ(::setenv("PATH", dir_.path().c_str(), 1), 0);
  }
  void TearDown() override { ::setenv("PATH", saved_path_.c_str(), 1); }

  // An executable of that name in the PATH the choice searches.
  void install(const std::string& program) {
    testsupport::writeFile(dir_ / program, "#!/bin/sh\nexit 0\n");
    fs::permissions(dir_ / program, fs::perms::owner_all);
  }
  static std::string chosen(const PinentryEnvironment& environment) {
    return choosePinentry(PinentryOptions{}, environment).program;
  }
  static std::string refusal(const PinentryEnvironment& environment) {
    try {
      (void)choosePinentry(PinentryOptions{}, environment);
    } catch (const PinentryUnavailable& e) {
      return e.what();
    }
    return "<chosen>";
  }

  ehagent::testsupport::TempDir dir_{"ehagent-pinentry-choice"};
  std::string saved_path_;
};

TEST_F(PinentryChoice, ADisplayGetsTheFirstGraphicalProgramInstalled) {
  install("pinentry-curses");
  install("pinentry-qt");
  EXPECT_EQ(chosen({true, "/dev/pts/3", "KDE"}), "pinentry-qt");
  install("pinentry-gnome3");
  EXPECT_EQ(chosen({true, std::nullopt, "GNOME"}), "pinentry-gnome3");
}

TEST_F(PinentryChoice, ATerminalWithoutDisplayGetsCursesToldItsTerminal) {
  install("pinentry-curses");
  install("pinentry-gnome3");  // cannot show without a display
  const PinentryOptions options = choosePinentry(PinentryOptions{}, {false, "/dev/pts/3", ""});
  EXPECT_EQ(options.program, "pinentry-curses");
  EXPECT_EQ(options.arguments, (std::vector<std::string>{"--ttyname", "/dev/pts/3"}));
}

TEST_F(PinentryChoice, NoProgramThatCanShowSaysWhatToInstall) {
  install("pinentry-curses");  // a service has no terminal for it
  const std::string desktop = refusal({true, std::nullopt, "GNOME"});
  EXPECT_NE(desktop.find("sudo apt install pinentry-gnome3"), std::string::npos) << desktop;
  const std::string kde = refusal({true, std::nullopt, "KDE"});
  EXPECT_NE(kde.find("pinentry-qt"), std::string::npos) << kde;
  const std::string service = refusal({false, std::nullopt, ""});
  EXPECT_NE(service.find("no display"), std::string::npos) << service;
  EXPECT_NE(service.find("import-environment DISPLAY WAYLAND_DISPLAY"), std::string::npos) << service;
}

TEST_F(PinentryChoice, AConfiguredProgramIsUsedAsItIs) {
  PinentryOptions options;
  options.program = "/opt/site/pinentry-site";
  EXPECT_EQ(choosePinentry(options, {false, std::nullopt, ""}).program, "/opt/site/pinentry-site");
}

}  // namespace
