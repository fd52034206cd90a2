#include "hubs/answers.hpp"

#include "tokens/error.hpp"
#include "hubs/read.hpp"
#include "tokens/xml/document.hpp"

namespace ehagent::hubs {
namespace {

using nlohmann::json;
using tokens::xml::Element;

constexpr std::string_view soap11 = "http://schemas.xmlsoap.org/soap/envelope/";
constexpr std::string_view soap12 = "http://www.w3.org/2003/05/soap-envelope";

[[noreturn]] void bad(const std::string& why) { throw tokens::Error("hub_bad_response", "hub answer: " + why); }

// KMEHR coded values (<id S=".." SL="..">v</id>, <cd ...>) as {"S", "SL", "value"} objects.
json coded(const Element& e, std::string_view local) {
  json out = json::array();
  for (const auto& c : read::all(e, local)) {
    json v{{"S", c.attribute("S").value_or("")}, {"value", c.text()}};
    if (auto sl = c.attribute("SL")) v["SL"] = *sl;
    out.push_back(std::move(v));
  }
  return out;
}

json hcparty(const Element& hc) {
  return {{"nihii", read::coded(hc, "id", "ID-HCPARTY")},
          {"ssin", read::coded(hc, "id", "INSS")},
          {"profession", read::coded(hc, "cd", "CD-HCPARTY")},
          {"firstname", read::text(hc, "firstname")},
          {"familyname", read::text(hc, "familyname")},
          {"name", read::text(hc, "name")}};
}

json acknowledge(const Element& response) {
  const auto ack = read::first(response, "acknowledge");
  if (!ack) bad("no acknowledge element");
  json errors = json::array();
  for (const auto& err : read::all(*ack, "error")) {
    const auto cd = read::first(err, "cd");
    errors.push_back({{"code", cd ? cd->text() : ""},
                      {"scheme", cd ? cd->attribute("S").value_or("") : ""},
                      {"description", read::text(err, "description")}});
  }
  return {{"iscomplete", read::text(*ack, "iscomplete") == "true"}, {"errors", std::move(errors)}};
}

json transaction(const Element& tx) {
  json author = json::array();
  if (const auto a = read::first(tx, "author")) {
    for (const auto& hc : read::all(*a, "hcparty")) author.push_back(hcparty(hc));
  }
  return {{"ids", coded(tx, "id")},
          {"type", read::coded(tx, "cd", "CD-TRANSACTION")},
          {"date", read::text(tx, "date")},
          {"time", read::text(tx, "time")},
          {"author", std::move(author)},
          {"iscomplete", read::text(tx, "iscomplete") == "true"},
          {"isvalidated", read::text(tx, "isvalidated") == "true"}};
}

json transactions(const Element& response) {
  json out = json::array();
  const auto header = read::first(response, "kmehrheader");
  if (!header) return out;
  for (const auto& folder : read::all(*header, "folder")) {
    std::string patient;
    if (const auto p = read::first(folder, "patient")) {
      patient = read::coded(*p, "id", "ID-PATIENT");
      if (patient.empty()) patient = read::coded(*p, "id", "INSS");
    }
    for (const auto& tx : read::all(folder, "transaction")) {
      json t = transaction(tx);
      t["patient"] = patient;
      out.push_back(std::move(t));
    }
  }
  return out;
}

json accesses(const Element& response) {
  json out = json::array();
  const auto list = read::first(response, "transactionaccesslist");
  if (!list) return out;
  for (const auto& access : read::all(*list, "transactionaccess")) {
    json a{{"accessdatetime", read::text(access, "accessdatetime")},
           {"breaktheglass", read::text(access, "breaktheglass") == "true"}};
    if (const auto p = read::first(access, "patient")) a["patient"] = read::coded(*p, "id", "INSS");
    if (const auto t = read::first(access, "transaction")) a["transaction"] = coded(*t, "id");
    if (const auto hc = read::first(access, "hcparty")) a["hcparty"] = hcparty(*hc);
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace

nlohmann::json parseHubResponse(std::string_view soapXml, Operation op) {
  std::optional<tokens::xml::Document> doc;
  try {
    doc = tokens::xml::Document::parse(soapXml);
  } catch (const tokens::Error& e) {
    bad(std::string("not acceptable XML: ") + e.what());
  }
  const auto envelope = doc->root();
  if (!envelope.is(soap11, "Envelope") && !envelope.is(soap12, "Envelope")) bad("not a SOAP envelope");
  const auto body = read::first(envelope, "Body");
  if (!body) bad("no SOAP Body");
  const auto children = body->children();
  if (children.empty()) bad("an empty SOAP Body");
  if (const auto fault = read::first(*body, "Fault")) {
    // SOAP 1.1 faultcode/faultstring; SOAP 1.2 Code/Value and Reason/Text.
    std::string code = read::text(*fault, "faultcode");
    std::string text = read::text(*fault, "faultstring");
    if (code.empty()) {
      if (auto c = read::first(*fault, "Code")) code = read::text(*c, "Value");
      if (auto r = read::first(*fault, "Reason")) text = read::text(*r, "Text");
    }
    throw tokens::Error("hub_fault", "the hub answered a SOAP fault: " + code + ": " + text);
  }
  const std::string expected = std::string(operationName(op)) + "Response";
  const auto response = children.front();
  if (response.localName() != expected) {
    bad("expected " + expected + ", got " + std::string(response.localName()));
  }
  json out{{"operation", operationName(op)}, {"acknowledge", acknowledge(response)}};
  if (op == Operation::GetTransactionList) out["transactions"] = transactions(response);
  if (op == Operation::GetPatientAuditTrail) out["accesses"] = accesses(response);
  return out;
}

}  // namespace ehagent::hubs
