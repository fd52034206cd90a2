#include "certs/revocation_cache.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <vector>

namespace ehagent::certs::detail {
namespace {

// One answer per line, tab-separated: key, status, nextUpdate and revokedAt (Unix seconds, "-"
// when absent), source, reason.
std::string clean(std::string text) {
  for (char& c : text) {
    if (c == '\t' || c == '\n' || c == '\r') c = ' ';
  }
  return text;
}

long long toSeconds(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

TimePoint fromSeconds(long long s) { return TimePoint(std::chrono::seconds(s)); }

std::vector<std::string> splitTabs(const std::string& line) {
  std::vector<std::string> out;
  std::string field;
  std::istringstream in(line);
  while (std::getline(in, field, '\t')) out.push_back(field);
  return out;
}

std::optional<std::pair<std::string, RevocationResult>> parseLine(const std::string& line) {
  const auto f = splitTabs(line);
  if (f.size() < 5) return std::nullopt;
  RevocationResult r;
  if (f[1] == "good") {
    r.status = RevocationStatus::Good;
  } else if (f[1] == "revoked") {
    r.status = RevocationStatus::Revoked;
  } else {
    return std::nullopt;
  }
  try {
    r.nextUpdate = fromSeconds(std::stoll(f[2]));
    if (f[3] != "-") r.revokedAt = fromSeconds(std::stoll(f[3]));
  } catch (const std::exception&) {
    return std::nullopt;
  }
  r.source = f[4];
  if (f.size() > 5) r.reason = f[5];
  return std::make_pair(f[0], r);
}

}  // namespace

RevocationCache::RevocationCache(std::filesystem::path file) : file_(std::move(file)) {
  if (!file_.empty()) load();
}

std::optional<RevocationResult> RevocationCache::get(const std::string& key, TimePoint now) {
  std::lock_guard lock(mutex_);
  const auto it = entries_.find(key);
  if (it == entries_.end()) return std::nullopt;
  if (!it->second.nextUpdate || *it->second.nextUpdate <= now) {
    entries_.erase(it);
    return std::nullopt;
  }
  return it->second;
}

void RevocationCache::put(const std::string& key, const RevocationResult& result) {
  if (!result.nextUpdate) return;
  if (result.status != RevocationStatus::Good && result.status != RevocationStatus::Revoked) return;
  std::lock_guard lock(mutex_);
  entries_[key] = result;
  if (!file_.empty()) save();
}

void RevocationCache::load() {
  std::ifstream in(file_);
  for (std::string line; std::getline(in, line);) {
    if (auto entry = parseLine(line)) entries_[entry->first] = entry->second;
  }
}

void RevocationCache::save() const {
  // A temporary file renamed over the old one: a reader never sees half a file.
  const std::string tmp = file_.string() + ".tmp" + std::to_string(::getpid());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return;
  std::string text;
  for (const auto& [key, r] : entries_) {
    text += key + "\t" + toString(r.status) + "\t" + std::to_string(toSeconds(*r.nextUpdate)) + "\t" +
            (r.revokedAt ? std::to_string(toSeconds(*r.revokedAt)) : "-") + "\t" + clean(r.source) +
            "\t" + clean(r.reason) + "\n";
  }
  const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ::close(fd);
  if (!written || std::rename(tmp.c_str(), file_.c_str()) != 0) std::remove(tmp.c_str());
}

}  // namespace ehagent::certs::detail
