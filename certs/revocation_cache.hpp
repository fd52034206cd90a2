#pragma once
// Private to certs/: the answers a RevocationChecker keeps until their nextUpdate. In memory, and
// in a file when one is given, so that a short-lived command (ehagent-install certs list, doctor)
// and an offline practice can still use an answer fetched earlier. The file sits in the state
// directory (0700) and is written 0600: whoever can change it can already change the trust store.
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "certs/revocation.hpp"

namespace ehagent::certs::detail {

class RevocationCache {
 public:
  // An empty path keeps answers in memory only. An unreadable or damaged file starts empty.
  explicit RevocationCache(std::filesystem::path file = {});

  // The answer for key while now < its nextUpdate; an expired one is dropped.
  std::optional<RevocationResult> get(const std::string& key, TimePoint now);
  // Keeps a Good or Revoked answer that has a nextUpdate; others are ignored. Write failures of
  // the file are ignored too: the cache only saves network round trips.
  void put(const std::string& key, const RevocationResult& result);

 private:
  void load();
  void save() const;

  std::filesystem::path file_;
  std::mutex mutex_;
  std::map<std::string, RevocationResult> entries_;
};

}  // namespace ehagent::certs::detail
