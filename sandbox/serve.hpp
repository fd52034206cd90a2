#pragma once
// `ehagent-sandbox serve`: the sandbox STS (and the sandbox hub) on loopback HTTPS, with the
// certificates of a specimen directory. Runs until SIGINT or SIGTERM.
#include <filesystem>
#include <iosfwd>
#include <string>

namespace ehagent::sandbox {

struct ServeOptions {
  std::filesystem::path specimen;      // written by `ehagent-sandbox specimen`
  std::string listen = "127.0.0.1:0";  // port 0: the kernel picks; the first line printed tells which
  std::filesystem::path control;       // STS misbehaviour control file (JSON), optional
  std::filesystem::path hub_control;   // hub misbehaviour control file, optional
  int hub_fail_percent = 0;            // this share of hub calls gets a SOAP fault
  std::filesystem::path practitioners; // practitioner table; default: the built-in one
};

// Prints "listening on https://HOST:PORT" on `out` once serving; returns the exit code.
int runServeCommand(const ServeOptions& options, std::ostream& out, std::ostream& err);

}  // namespace ehagent::sandbox
