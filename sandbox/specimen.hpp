#pragma once
// The specimen: a test PKI and SoftHSM2 tokens laid out like Belgian eID cards and eHealth
// keystores, written into one directory (layout in sandbox/README.md). Running it again over the
// same directory regenerates everything: safe, and never half old, half new.
#include <filesystem>
#include <iosfwd>
#include <string>

namespace ehagent::sandbox {

struct SpecimenOptions {
  std::filesystem::path out;
  std::string softhsmModule = "/usr/lib/softhsm/libsofthsm2.so";
};

// The fixed secrets of the specimen; fictitious and printed in the README.
inline constexpr const char* kSpecimenPin = "1234";
inline constexpr const char* kSpecimenSoPin = "12345678";
inline constexpr const char* kSpecimenP12Password = "specimen";

// Writes the specimen; throws std::exception with a clear message on failure. Sets SOFTHSM2_CONF
// in this process (SoftHSM reads it when the module is initialised).
void writeSpecimen(const SpecimenOptions& options, std::ostream& log);

// The `specimen` subcommand: writes it and reports; returns the exit code.
int runSpecimenCommand(const SpecimenOptions& options, std::ostream& out, std::ostream& err);

}  // namespace ehagent::sandbox
