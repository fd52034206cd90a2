#include "tokens/hub_responses.hpp"

#include "tokens/error.hpp"
#include "tokens/xml.hpp"

namespace ehagent::tokens::hub {
namespace {

using nlohmann::json;
using xml::Element;

constexpr std::string_view soap11 = "http://schemas.xmlsoap.org/soap/envelope/";
constexpr std::string_view soap12 = "http://www.w3.org/2003/05/soap-envelope";

[[noreturn]] void bad(const std::string& why) { throw Error("hub_bad_response", "hub answer: " + why); }

std::optional<Element> first(const Element& e, std::string_view local) {
  for (const auto& c : e.children()) {
    if (c.localName() == local) return c;
  }
  return std::nullopt;
}

std::vector<Element> all(const Element& e, std::string_view local) {
  std::vector<Element> out;
  for (const auto& c : e.children()) {
    if (c.localName() == local) out.push_back(c);
  }
  return out;
}

std::string textOf(const Element& e, std::string_view local) {
  const auto c = first(e, local);
  return c ? c->text() : std::string();
}

// KMEHR coded values (<id S=".." SL="..">v</id>, <cd ...>) as {"S", "SL", "value"} objects.
json coded(const Element& e, std::string_view local) {
  json out = json::array();
  for (const auto& c : all(e, local)) {
    json v{{"S", c.attribute("S").value_or("")}, {"value", c.text()}};
    if (auto sl = c.attribute("SL")) v["SL"] = *sl;
    out.push_back(std::move(v));
  }
  return out;
}

std::string codedValue(const Element& e, std::string_view local, std::string_view scheme) {
  for (const auto& c : all(e, local)) {
    if (c.attribute("S") == std::string(scheme)) return c.text();
  }
  return {};
}

json hcparty(const Element& hc) {
  return {{"nihii", codedValue(hc, "id", "ID-HCPARTY")},
          {"ssin", codedValue(hc, "id", "INSS")},
          {"profession", codedValue(hc, "cd", "CD-HCPARTY")},
          {"firstname", textOf(hc, "firstname")},
          {"familyname", textOf(hc, "familyname")},
          {"name", textOf(hc, "name")}};
}

json acknowledge(const Element& response) {
  const auto ack = first(response, "acknowledge");
  if (!ack) bad("no acknowledge element");
  json errors = json::array();
  for (const auto& err : all(*ack, "error")) {
    const auto cd = first(err, "cd");
    errors.push_back({{"code", cd ? cd->text() : ""},
                      {"scheme", cd ? cd->attribute("S").value_or("") : ""},
                      {"description", textOf(err, "description")}});
  }
  return {{"iscomplete", textOf(*ack, "iscomplete") == "true"}, {"errors", std::move(errors)}};
}

json transaction(const Element& tx) {
  json author = json::array();
  if (const auto a = first(tx, "author")) {
    for (const auto& hc : all(*a, "hcparty")) author.push_back(hcparty(hc));
  }
  return {{"ids", coded(tx, "id")},
          {"type", codedValue(tx, "cd", "CD-TRANSACTION")},
          {"date", textOf(tx, "date")},
          {"time", textOf(tx, "time")},
          {"author", std::move(author)},
          {"iscomplete", textOf(tx, "iscomplete") == "true"},
          {"isvalidated", textOf(tx, "isvalidated") == "true"}};
}

json transactions(const Element& response) {
  json out = json::array();
  const auto header = first(response, "kmehrheader");
  if (!header) return out;
  for (const auto& folder : all(*header, "folder")) {
    std::string patient;
    if (const auto p = first(folder, "patient")) {
      patient = codedValue(*p, "id", "ID-PATIENT");
      if (patient.empty()) patient = codedValue(*p, "id", "INSS");
    }
    for (const auto& tx : all(folder, "transaction")) {
      json t = transaction(tx);
      t["patient"] = patient;
      out.push_back(std::move(t));
    }
  }
  return out;
}

json accesses(const Element& response) {
  json out = json::array();
  const auto list = first(response, "transactionaccesslist");
  if (!list) return out;
  for (const auto& access : all(*list, "transactionaccess")) {
    json a{{"accessdatetime", textOf(access, "accessdatetime")},
           {"breaktheglass", textOf(access, "breaktheglass") == "true"}};
    if (const auto p = first(access, "patient")) a["patient"] = codedValue(*p, "id", "INSS");
    if (const auto t = first(access, "transaction")) a["transaction"] = coded(*t, "id");
    if (const auto hc = first(access, "hcparty")) a["hcparty"] = hcparty(*hc);
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace

nlohmann::json parseHubResponse(std::string_view soapXml, Operation op) {
  std::optional<xml::Document> doc;
  try {
    doc = xml::Document::parse(soapXml);
  } catch (const Error& e) {
    bad(std::string("not acceptable XML: ") + e.what());
  }
  const auto envelope = doc->root();
  if (!envelope.is(soap11, "Envelope") && !envelope.is(soap12, "Envelope")) bad("not a SOAP envelope");
  const auto body = first(envelope, "Body");
  if (!body) bad("no SOAP Body");
  const auto children = body->children();
  if (children.empty()) bad("an empty SOAP Body");
  if (const auto fault = first(*body, "Fault")) {
    // SOAP 1.1 faultcode/faultstring; SOAP 1.2 Code/Value and Reason/Text.
    std::string code = textOf(*fault, "faultcode");
    std::string text = textOf(*fault, "faultstring");
    if (code.empty()) {
      if (auto c = first(*fault, "Code")) code = textOf(*c, "Value");
      if (auto r = first(*fault, "Reason")) text = textOf(*r, "Text");
    }
    throw Error("hub_fault", "the hub answered a SOAP fault: " + code + ": " + text);
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

}  // namespace ehagent::tokens::hub
