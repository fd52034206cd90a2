#include <cstdlib>
#include <stdexcept>

#include "tests/support/support.hpp"

namespace ehagent::testsupport {

fs::path SpecimenCopy::specimenDir() { return EHAGENT_TEST_SPECIMEN_DIR; }

SpecimenCopy::SpecimenCopy() : dir_("ehagent-specimen") {
  const fs::path pristine = specimenDir() / "tokens";
  if (!fs::is_directory(pristine)) {
    throw std::runtime_error("the specimen is missing at " + specimenDir().string() +
                             " (build the ehagent_specimen target)");
  }
  fs::copy(pristine, dir_.path() / "tokens", fs::copy_options::recursive);
  writeFile(conf(), "directories.tokendir = " + (dir_.path() / "tokens").string() +
                        "\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n");
  if (const char* previous = std::getenv("SOFTHSM2_CONF")) previousConf_ = previous;
  setenv("SOFTHSM2_CONF", conf().c_str(), 1);
}

SpecimenCopy::~SpecimenCopy() {
  if (previousConf_) {
    setenv("SOFTHSM2_CONF", previousConf_->c_str(), 1);
  } else {
    unsetenv("SOFTHSM2_CONF");
  }
}

std::string sandboxExe() { return EHAGENT_TEST_SANDBOX_EXE; }
std::string agentExe() { return EHAGENT_TEST_AGENT_EXE; }
std::string softhsmModule() { return EHAGENT_TEST_SOFTHSM_MODULE; }
std::string bundledTrustDir() { return EHAGENT_TEST_BUNDLED_TRUST; }

}  // namespace ehagent::testsupport
