#include "sandbox/specimen.hpp"

#include <cstdlib>
#include <fstream>
#include <ostream>
#include <stdexcept>

#include "pkcs11/error.hpp"
#include "pkcs11/module.hpp"
#include "sandbox/specimen_people.hpp"
#include "sandbox/specimen_pki.hpp"
#include "sandbox/specimen_tokens.hpp"

namespace ehagent::sandbox {
namespace {

namespace fs = std::filesystem;

void writeFile(const fs::path& path, const std::string& text) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << text;
  if (!file.flush()) throw std::runtime_error("cannot write " + path.string());
}

void writeFile(const fs::path& path, const std::vector<std::uint8_t>& bytes) {
  writeFile(path, std::string(bytes.begin(), bytes.end()));
}

// The certificate authorities and sandbox service certificates. The per-person rows are issued
// while their tokens are made (the eID certificates need the token's public keys).
std::vector<CertificateSpec> authorityRows() {
  return {
      {"belgium-root-ca", "", {{"C", "BE"}, {"CN", "Belgium Root CA (specimen)"}}, CertificateProfile::RootCa,
       KeyKind::Rsa2048, {}, 7300},
      {"citizen-ca", "belgium-root-ca", {{"C", "BE"}, {"CN", "Citizen CA (specimen)"}, {"serialNumber", "201501"}},
       CertificateProfile::IntermediateCa, KeyKind::Rsa2048, {}, 5475},
      {"ehealth-ca", "", {{"C", "BE"}, {"O", "Federal Government"}, {"CN", "eHealth CA (specimen)"}},
       CertificateProfile::RootCa, KeyKind::Rsa2048, {}, 7300},
      {"sandbox-ca", "", {{"C", "BE"}, {"O", "ehagent sandbox"}, {"CN", "Sandbox CA"}}, CertificateProfile::RootCa,
       KeyKind::EcP256, {}, 3650},
  };
}

std::vector<CertificateSpec> serviceRows() {
  return {
      {"sandbox-tls", "sandbox-ca", {{"C", "BE"}, {"O", "ehagent sandbox"}, {"CN", "sandbox TLS"}},
       CertificateProfile::TlsServer, KeyKind::EcP256, {"IP:127.0.0.1", "IP:::1", "DNS:localhost"}, 825},
      {"sandbox-sts", "sandbox-ca", {{"C", "BE"}, {"O", "ehagent sandbox"}, {"CN", "sandbox STS signing"}},
       CertificateProfile::Signing, KeyKind::Rsa2048, {}, 825},
  };
}

void writeConfig(const fs::path& out, const std::string& module) {
  writeFile(out / "softhsm2.conf", "# SoftHSM2 configuration of the ehagent specimen tokens\n"
                                   "directories.tokendir = " + (out / "tokens").string() + "\n"
                                   "objectstore.backend = file\n"
                                   "log.level = ERROR\n"
                                   "slots.removable = false\n");
  writeFile(out / "env", "# Source this file to use the ehagent specimen tokens.\n"
                         "export SOFTHSM2_CONF='" + (out / "softhsm2.conf").string() + "'\n"
                         "export EHAGENT_PKCS11_MODULE='" + module + "'\n"
                         "export EHAGENT_SPECIMEN_DIR='" + out.string() + "'\n");
}

}  // namespace

void writeSpecimen(const SpecimenOptions& options, std::ostream& log) {
  if (options.out.empty()) throw std::invalid_argument("specimen: --out names no directory");
  const fs::path out = fs::absolute(options.out).lexically_normal();
  if (out.string().find('\'') != std::string::npos) {
    throw std::invalid_argument("specimen: the output path may not contain a single quote");
  }
  fs::create_directories(out);
  for (const char* sub : {"tokens", "pki", "ehealth"}) fs::remove_all(out / sub);
  fs::create_directories(out / "tokens");
  fs::create_directories(out / "pki" / "private");
  fs::create_directories(out / "ehealth");
  writeConfig(out, options.softhsmModule);
  // SoftHSM reads its configuration once, in C_Initialize.
  if (setenv("SOFTHSM2_CONF", (out / "softhsm2.conf").c_str(), 1) != 0) {
    throw std::runtime_error("specimen: cannot set SOFTHSM2_CONF");
  }

  Pki pki;
  for (const auto& row : authorityRows()) {
    const auto& issued = pki.issue(row);
    writeFile(out / "pki" / (row.name + ".pem"), issued.certificatePem);
    writeFile(out / "pki" / "private" / (row.name + ".key"), issued.privateKeyPem);
  }
  for (const auto& row : serviceRows()) {
    const auto& issued = pki.issue(row);
    writeFile(out / "pki" / (row.name + ".pem"), issued.certificatePem);
    writeFile(out / "pki" / (row.name + ".key"), issued.privateKeyPem);
  }

  auto module = pkcs11::Module::load(options.softhsmModule);
  for (const auto& person : specimenPeople()) {
    createEidCard(module, pki, person);
    writeFile(out / "pki" / (authRow(person) + ".pem"), pki.get(authRow(person)).certificatePem);
    writeFile(out / "pki" / (signRow(person) + ".pem"), pki.get(signRow(person)).certificatePem);
    if (!person.ecCard) {  // the virtual card's keys; an EC card's keys never leave its token
      writeFile(out / "pki" / "private" / (authRow(person) + ".key"), pki.get(authRow(person)).privateKeyPem);
      writeFile(out / "pki" / "private" / (signRow(person) + ".key"), pki.get(signRow(person)).privateKeyPem);
    }
    log << "token \"" << eidTokenLabel(person) << "\": " << (person.ecCard ? "EC P-384" : "RSA-2048")
        << " eID, SSIN " << person.ssin << "\n";

    createEHealthToken(module, pki, person);
    const auto& ehealth = pki.get(ehealthRow(person));
    writeFile(out / "ehealth" / (person.handle + ".pem"), ehealth.certificatePem);
    writeFile(out / "ehealth" / (person.handle + ".key"), ehealth.privateKeyPem);
    writeFile(out / "ehealth" / (person.handle + ".p12"),
              pki.pkcs12(ehealthRow(person), "authentication", kSpecimenP12Password));
    log << "token \"" << ehealthTokenLabel(person) << "\": eHealth certificate, NIHII " << person.nihii << "\n";
  }
  writeFile(out / "ehealth" / "password.txt", std::string(kSpecimenP12Password) + "\n");
  writeFile(out / "pki" / "eid-chain.pem",
            pki.get("citizen-ca").certificatePem + pki.get("belgium-root-ca").certificatePem);
}

int runSpecimenCommand(const SpecimenOptions& options, std::ostream& out, std::ostream& err) {
  try {
    writeSpecimen(options, out);
    out << "specimen written to " << fs::absolute(options.out).lexically_normal().string()
        << " (source its env file to use it)\n";
    return 0;
  } catch (const std::exception& e) {
    err << "ehagent-sandbox specimen: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace ehagent::sandbox
