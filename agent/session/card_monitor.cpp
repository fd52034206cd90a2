#include "agent/session/card_monitor.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <condition_variable>
#include <latch>
#include <map>

#include "agent/session/card_signers.hpp"
#include "agent/session/session.hpp"
#include "certs/profile.hpp"
#include "pkcs11/error.hpp"
#include "pkcs11/module.hpp"
#include "pkcs11/module_list.hpp"
#include "pkcs11/session.hpp"

namespace ehagent::agent {
namespace {

CardInfo readCard(const std::shared_ptr<pkcs11::Module>& module, const pkcs11::SlotInfo& slot,
                  const pkcs11::TokenInfo& info) {
  const std::string& label = info.label;
  CardInfo card;
  card.token_info = info;
  card.module = module;
  card.slot = slot.id;
  card.reader = slot.description;
  card.token_label = label;
  const pkcs11::Session session(module, slot.id);
  pkcs11::TokenProfile profile = pkcs11::readTokenProfile(session);
  holderFromCertificate(profile);
  card.kind = profile.kind;
  card.holder = profile.holder;
  for (const pkcs11::TokenCertificate& cert : profile.certificates) {
    try {
      card.token_certificates.push_back(certs::Certificate::fromDer(cert.der));
    } catch (const std::exception& e) {
      spdlog::warn("token \"{}\": certificate \"{}\" is unreadable: {}", label, cert.label, e.what());
    }
  }
  const char* login_label = profile.kind == pkcs11::TokenKind::EHealth ? "authentication" : "Authentication";
  if (const auto* cert = profile.certificate(login_label)) {
    card.login_certificate = certs::Certificate::fromDer(cert->der);
  }
  if (profile.kind == pkcs11::TokenKind::EHealth && card.login_certificate) {
    const certs::EhealthProfile eh = certs::readEhealthProfile(*card.login_certificate);
    card.ehealth_ssin = eh.ssin.value_or("");
    card.ehealth_nihii = eh.nihii.value_or("");
    card.ehealth_profession = eh.profession.value_or("");
    card.ehealth_warnings = eh.warnings;
  }
  return card;
}

// The tokens present now; a token that was known and cannot be read this time (busy, a reader
// hiccup) is kept as it was rather than reported removed.
std::vector<CardInfo> scan(const std::shared_ptr<pkcs11::Module>& module, const std::vector<CardInfo>& known) {
  std::vector<CardInfo> present;
  for (const pkcs11::SlotInfo& slot : module->slots(true)) {
    pkcs11::TokenInfo info;
    try {
      info = module->tokenInfo(slot.id);
      if (!info.tokenInitialized) continue;  // SoftHSM's spare slot, a blank card
    } catch (const pkcs11::Error& e) {
      spdlog::debug("slot {}: {}", slot.id, e.what());
      continue;  // taken out while we looked
    }
    const auto same = std::find_if(known.begin(), known.end(), [&](const CardInfo& k) {
      return k.slot == slot.id && k.token_info.label == info.label && k.token_info.serialNumber == info.serialNumber;
    });
    if (same != known.end()) {
      present.push_back(*same);
      continue;
    }
    try {
      CardInfo card = readCard(module, slot, info);
      // A middleware may give every card one label (OpenSC: "BELPIC (Basic PIN)"). The label
      // names the card's queue and session, so a card that arrives while another holds that
      // name is told apart by its serial; the card that was there first keeps its name.
      const auto taken = [&](const std::vector<CardInfo>& cards) {
        return std::any_of(cards.begin(), cards.end(),
                           [&](const CardInfo& k) { return k.slot != slot.id && k.token_label == card.token_label; });
      };
      if (taken(known) || taken(present)) card.token_label += " (" + info.serialNumber + ")";
      present.push_back(std::move(card));
    } catch (const std::exception& e) {
      spdlog::warn("cannot read the token \"{}\" in {}: {}", info.label, slot.description, e.what());
    }
  }
  return present;
}

}  // namespace

CardMonitor::CardMonitor(AgentSession& session, CardMonitorOptions options)
    : session_(session), options_(std::move(options)) {
  if (options_.modules.empty()) options_.modules = pkcs11::defaultModulePaths();
}

CardMonitor::~CardMonitor() {
  for (auto& thread : threads_) thread.request_stop();
  threads_.clear();  // jthread joins
}

void CardMonitor::start() {
  for (const std::string& path : options_.modules) {
    threads_.emplace_back([this, path](std::stop_token stop) { watch(stop, path); });
  }
}

void CardMonitor::watch(std::stop_token stop, std::string module_path) {
  std::shared_ptr<pkcs11::Module> module;
  try {
    module = pkcs11::Module::load(module_path);
  } catch (const std::exception& e) {
    spdlog::error("card monitor: {}", e.what());
    return;
  }
  spdlog::info("card monitor watching {}", module_path);
  std::vector<CardInfo> known;
  auto last_scan = std::chrono::steady_clock::time_point{};
  std::mutex mutex;
  std::condition_variable_any wake;
  while (!stop.stop_requested()) {
    bool event = false;
    try {
      // Drain every pending event; each one only says "look again".
      for (int drained = 0; drained < 64 && module->waitForSlotEvent(false, options_.tick, stop); ++drained) {
        event = true;
      }
    } catch (const pkcs11::Error& e) {
      spdlog::debug("slot events on {}: {}", module_path, e.what());
    }
    const auto now = std::chrono::steady_clock::now();
    if (event || now - last_scan >= options_.full_rescan) {
      try {
        known = scan(module, known);
        session_.updateCards(module_path, known);
      } catch (const std::exception& e) {
        spdlog::warn("card monitor on {}: {}", module_path, e.what());
      }
      last_scan = now;
    }
    session_.checkHeldLogins();
    session_.expireIdle();
    std::unique_lock lock(mutex);
    wake.wait_for(lock, stop, options_.tick, [] { return false; });
  }
}

}  // namespace ehagent::agent
