#pragma once
// A minimal Sumehr in the shape of PROTOCOLS.md, with the parts the checks look at as parameters.
#include <string>

namespace ehagent::testing {

struct SumehrParts {
  std::string senderNihii = "10012378004";
  std::string senderSsin = "78031215280";
  std::string patientSsin = "15062034820";
  bool withPatient = true;
  std::string transactionType = "sumehr";
  std::string prolog;  // e.g. a DOCTYPE
  std::string ns = "http://www.ehealth.fgov.be/standards/kmehr/schema/v1";
};

inline std::string sumehrXml(const SumehrParts& p = {}) {
  std::string patient;
  if (p.withPatient) {
    patient = R"(<patient><id S="ID-PATIENT" SV="1.0">)" + p.patientSsin +
              R"(</id><firstname>Chloe</firstname><familyname>SPECIMEN</familyname><birthdate><date>2015-06-20</date></birthdate><sex><cd S="CD-SEX" SV="1.1">female</cd></sex></patient>)";
  }
  return p.prolog + R"(<?xml version="1.0" encoding="UTF-8"?>
<kmehrmessage xmlns=")" + p.ns + R"(">
  <header>
    <standard><cd S="CD-STANDARD" SV="1.26">20210101</cd></standard>
    <id S="ID-KMEHR" SV="1.0">)" + p.senderNihii + R"(.20261120103000</id>
    <date>2026-11-20</date><time>10:30:00</time>
    <sender>
      <hcparty><id S="ID-HCPARTY" SV="1.0">)" + p.senderNihii + R"(</id><id S="INSS" SV="1.0">)" +
         p.senderSsin + R"(</id><cd S="CD-HCPARTY" SV="1.1">persphysician</cd><firstname>Alice</firstname><familyname>SPECIMEN</familyname></hcparty>
      <hcparty><id S="LOCAL" SL="endusersoftwareinfo" SV="1.0">TestEMR 2.1</id><cd S="CD-HCPARTY" SV="1.1">application</cd><name>TestEMR</name></hcparty>
    </sender>
    <recipient><hcparty><cd S="CD-HCPARTY" SV="1.1">hub</cd><name>Sandbox hub</name></hcparty></recipient>
  </header>
  <folder>
    <id S="ID-KMEHR" SV="1.0">1</id>
    )" + patient + R"(
    <transaction>
      <id S="ID-KMEHR" SV="1.0">1</id>
      <cd S="CD-TRANSACTION" SV="1.0">)" + p.transactionType + R"(</cd>
      <date>2026-11-20</date><time>10:30:00</time>
      <author><hcparty><id S="ID-HCPARTY" SV="1.0">)" + p.senderNihii + R"(</id><cd S="CD-HCPARTY" SV="1.1">persphysician</cd></hcparty></author>
      <iscomplete>true</iscomplete><isvalidated>true</isvalidated>
      <heading><id S="ID-KMEHR" SV="1.0">1</id><cd S="CD-HEADING" SV="1.0">assessment</cd>
        <item><id S="ID-KMEHR" SV="1.0">1</id><cd S="CD-ITEM" SV="1.0">allergy</cd><content><text L="en">Penicillin</text></content></item>
      </heading>
    </transaction>
  </folder>
</kmehrmessage>
)";
}

}  // namespace ehagent::testing
