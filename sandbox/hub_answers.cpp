#include "sandbox/hub_answers.hpp"

#include "tokens/xml/document.hpp"

#include <chrono>
#include <ctime>

namespace ehagent::sandbox::hubsoap {
namespace {

std::string el(std::string_view name, std::string_view text) {
  return "<" + std::string(name) + ">" + tokens::xml::escape(text) + "</" + std::string(name) + ">";
}

std::string coded(std::string_view name, std::string_view s, std::string_view value, std::string_view sl = {}) {
  std::string out = "<" + std::string(name) + " S=\"" + tokens::xml::escape(s) + "\" SV=\"1.0\"";
  if (!sl.empty()) out += " SL=\"" + tokens::xml::escape(sl) + "\"";
  return out + ">" + tokens::xml::escape(value) + "</" + std::string(name) + ">";
}

std::string party(std::string_view p, const HubParty& hc) {
  const std::string pre(p);
  return "<" + pre + "hcparty>" + coded(pre + "id", "ID-HCPARTY", hc.nihii) + coded(pre + "id", "INSS", hc.ssin) +
         coded(pre + "cd", "CD-HCPARTY", hc.profession) + el(pre + "firstname", hc.firstName) +
         el(pre + "familyname", hc.familyName) + "</" + pre + "hcparty>";
}

std::string nowText(const char* fmt) {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  return {buf, std::strftime(buf, sizeof buf, fmt, &tm)};
}

constexpr const char* envelope_open =
    R"(<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>)";
constexpr const char* envelope_close = "</soapenv:Body></soapenv:Envelope>";

}  // namespace

std::string fault(std::string_view code, std::string_view text) {
  return std::string(envelope_open) + "<soapenv:Fault>" + el("faultcode", code) + el("faultstring", text) +
         "</soapenv:Fault>" + envelope_close;
}

std::string answer(hubs::Operation op, const std::string& hubId, const Ack& ack, const std::string& inner) {
  namespace ns = hubs::ns;
  const std::string root = "hub:" + std::string(hubs::operationName(op)) + "Response";
  std::string out = std::string(envelope_open) + "<" + root + " xmlns:hub=\"" + ns::protocol + "\" xmlns:core=\"" +
                    ns::core + "\" xmlns:kmehr=\"" + ns::kmehr + "\">";
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch()).count();
  out += "<hub:response>" + coded("core:id", "ID-KMEHR", hubId + "." + std::to_string(ms)) +
         "<core:author><kmehr:hcparty>" + coded("kmehr:id", "ID-HCPARTY", hubId) +
         coded("kmehr:cd", "CD-HCPARTY", "hub") + el("kmehr:name", "Sandbox hub") +
         "</kmehr:hcparty></core:author>" + el("core:date", nowText("%Y-%m-%d")) +
         el("core:time", nowText("%H:%M:%S")) + "</hub:response>";
  out += "<hub:acknowledge>" + el("core:iscomplete", ack.complete ? "true" : "false");
  for (const auto& [code, description] : ack.errors) {
    out += "<core:error>" + coded("core:cd", "CD-HUBERROR", code) + el("core:description", description) +
           "</core:error>";
  }
  out += "</hub:acknowledge>" + inner + "</" + root + ">" + envelope_close;
  return out;
}

std::string transactionList(const std::string& patient, const std::vector<StoredTransaction>& txs) {
  std::string out = "<hub:kmehrheader><kmehr:folder><kmehr:patient>" + coded("kmehr:id", "ID-PATIENT", patient) +
                    "</kmehr:patient>";
  for (const auto& t : txs) {
    out += "<kmehr:transaction>" + coded("kmehr:id", "LOCAL", std::to_string(t.id), "sandboxhub") +
           coded("kmehr:cd", "CD-TRANSACTION", "sumehr") + el("kmehr:date", t.date) + el("kmehr:time", t.time) +
           "<kmehr:author>" + party("kmehr:", t.author) + "</kmehr:author>" + el("kmehr:iscomplete", "true") +
           el("kmehr:isvalidated", "true") + "</kmehr:transaction>";
  }
  return out + "</kmehr:folder></hub:kmehrheader>";
}

std::string auditTrail(const std::vector<Access>& accesses) {
  std::string out = "<hub:transactionaccesslist>";
  for (const auto& a : accesses) {
    out += "<core:transactionaccess><core:patient>" + coded("core:id", "INSS", a.patient) + "</core:patient>" +
           "<core:transaction>" + coded("core:id", "LOCAL", std::to_string(a.transactionId), "sandboxhub") +
           "</core:transaction>" + party("core:", a.by) + el("core:accessdatetime", a.when) +
           el("core:breaktheglass", a.breakTheGlass ? "true" : "false") + "</core:transactionaccess>";
  }
  return out + "</hub:transactionaccesslist>";
}

}  // namespace ehagent::sandbox::hubsoap
