#include "sandbox/practitioners.hpp"
#include "core/file.hpp"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "sandbox/practitioners_data.hpp"

namespace ehagent::sandbox {

Practitioners Practitioners::fromJson(std::string_view text) {
  const auto doc = nlohmann::json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.contains("practitioners") || !doc["practitioners"].is_array()) {
    throw std::invalid_argument("practitioners: expected {\"practitioners\": [...]}");
  }
  Practitioners table;
  for (const auto& row : doc["practitioners"]) {
    Practitioner p;
    try {
      p = {row.at("ssin").get<std::string>(), row.at("nihii").get<std::string>(), row.at("profession").get<std::string>(),
           row.at("given_name").get<std::string>(), row.at("surname").get<std::string>()};
    } catch (const nlohmann::json::exception& e) {
      throw std::invalid_argument(std::string("practitioners: a row lacks a field: ") + e.what());
    }
    table.rows_.push_back(std::move(p));
  }
  return table;
}

Practitioners Practitioners::fromFile(const std::filesystem::path& file) {
  const auto text = readFile(file);
  if (!text) throw std::invalid_argument("cannot read the practitioner table " + file.string());
  return fromJson(*text);
}

Practitioners Practitioners::builtin() { return fromJson(kBuiltinPractitioners); }

std::optional<Practitioner> Practitioners::find(std::string_view ssin) const {
  for (const auto& row : rows_) {
    if (row.ssin == ssin) return row;
  }
  return std::nullopt;
}

}  // namespace ehagent::sandbox
