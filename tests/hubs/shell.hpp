#pragma once
// Test helper: the independent tools (openssl, xmlsec1) run through tests/support.
#include <filesystem>
#include <string>

#include "tests/support/support.hpp"

namespace ehagent::testing {

using Run = testsupport::CommandResult;  // exitCode, and out with stdout and stderr together
using testsupport::readFile;
using testsupport::runShell;
using testsupport::writeFile;

inline std::string q(const std::filesystem::path& p) { return "'" + p.string() + "'"; }

}  // namespace ehagent::testing
