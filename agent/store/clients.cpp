#include "agent/store/clients.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/bytes.hpp"
#include "core/digest.hpp"
#include "core/random.hpp"
#include "core/time.hpp"
#include "core/base64.hpp"
#include "agent/config/paths.hpp"

namespace ehagent::agent {
namespace {

constexpr std::size_t kKeyBytes = 32;

void checkName(const std::string& name) {
  const bool ok = !name.empty() && name.size() <= 64 &&
                  std::all_of(name.begin(), name.end(), [](char c) {
                    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                           (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
                  });
  if (!ok) {
    throw ClientError("client name must be 1-64 characters of letters, digits, '.', '_' or '-'");
  }
}

void writeAll(int fd, const std::string& text, const std::filesystem::path& path) {
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw ClientError("cannot write " + path.string() + ": " + std::strerror(errno));
    done += static_cast<std::size_t>(n);
  }
}

}  // namespace

ClientStore::ClientStore(std::filesystem::path file) : file_(std::move(file)) {}

std::filesystem::path ClientStore::defaultFile(const std::filesystem::path& state_dir) {
  return state_dir / "clients.json";
}

std::vector<ClientStore::Entry> ClientStore::load() const {
  std::ifstream in(file_);
  if (!in) {
    if (!std::filesystem::exists(file_)) return {};
    throw ClientError("cannot read client file " + file_.string());
  }
  std::vector<Entry> entries;
  try {
    const nlohmann::json doc = nlohmann::json::parse(in);
    for (const auto& item : doc.at("clients")) {
      entries.push_back(Entry{item.at("name").get<std::string>(),
                              item.at("key_sha256").get<std::string>(),
                              item.value("created", std::string{})});
    }
  } catch (const nlohmann::json::exception& e) {
    throw ClientError("client file " + file_.string() + " is corrupt: " + e.what());
  }
  return entries;
}

void ClientStore::save(const std::vector<Entry>& entries) const {
  nlohmann::json doc = {{"version", 1}, {"clients", nlohmann::json::array()}};
  for (const Entry& e : entries) {
    doc["clients"].push_back(
        {{"name", e.name}, {"key_sha256", e.key_sha256}, {"created", e.created_utc}});
  }
  if (file_.has_parent_path()) ensurePrivateDirectory(file_.parent_path());
  // Written beside the target and renamed over it, so a crash never leaves a half file.
  const std::filesystem::path temp = file_.string() + ".tmp";
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) throw ClientError("cannot create " + temp.string() + ": " + std::strerror(errno));
  try {
    writeAll(fd, doc.dump(2) + "\n", temp);
    if (::fsync(fd) != 0) throw ClientError("cannot sync " + temp.string());
  } catch (...) {
    ::close(fd);
    ::unlink(temp.c_str());
    throw;
  }
  if (::close(fd) != 0 || ::rename(temp.c_str(), file_.c_str()) != 0) {
    ::unlink(temp.c_str());
    throw ClientError("cannot replace " + file_.string() + ": " + std::strerror(errno));
  }
}

std::string ClientStore::add(const std::string& name) {
  checkName(name);
  std::lock_guard lock(mutex_);
  std::vector<Entry> entries = load();
  if (std::any_of(entries.begin(), entries.end(), [&](const Entry& e) { return e.name == name; })) {
    throw ClientError("client '" + name + "' already exists; remove it first to issue a new key");
  }
  const std::string key = base64UrlEncode(asBytes(randomBytes(kKeyBytes)));
  entries.push_back(Entry{name, sha256Hex(key), formatDateTime(Clock::now())});
  save(entries);
  std::unique_lock invalidate(snapshot_mutex_);
  snapshot_.reset();
  return key;
}

std::vector<ClientInfo> ClientStore::list() const {
  std::lock_guard lock(mutex_);
  std::vector<ClientInfo> out;
  for (const Entry& e : load()) out.push_back(ClientInfo{e.name, e.created_utc});
  return out;
}

bool ClientStore::remove(const std::string& name) {
  std::lock_guard lock(mutex_);
  std::vector<Entry> entries = load();
  const auto it =
      std::find_if(entries.begin(), entries.end(), [&](const Entry& e) { return e.name == name; });
  if (it == entries.end()) return false;
  entries.erase(it);
  save(entries);
  std::unique_lock invalidate(snapshot_mutex_);
  snapshot_.reset();
  return true;
}

std::shared_ptr<const ClientStore::Snapshot> ClientStore::refresh() const {
  std::lock_guard lock(mutex_);
  std::shared_ptr<const Snapshot> current;
  {
    std::shared_lock read(snapshot_mutex_);
    current = snapshot_;
  }
  std::error_code ec;
  const auto mtime = std::filesystem::last_write_time(file_, ec);
  auto fresh = std::make_shared<Snapshot>();
  fresh->checked = std::chrono::steady_clock::now();
  if (!ec) {
    fresh->mtime = mtime;
    fresh->entries = current && current->mtime == mtime ? current->entries : load();
  }
  std::unique_lock write(snapshot_mutex_);
  snapshot_ = fresh;
  return fresh;
}

std::optional<std::string> ClientStore::authenticate(std::string_view bearer_key) const {
  if (bearer_key.empty() || bearer_key.size() > 256) return std::nullopt;
  const std::string presented = sha256Hex(bearer_key);
  // Compare against every entry so the time taken does not reveal which one matched.
  const auto match = [&presented](const Snapshot& snapshot) {
    std::optional<std::string> found;
    for (const Entry& e : snapshot.entries) {
      if (constantTimeEqual(presented, e.key_sha256) && !found) found = e.name;
    }
    return found;
  };
  std::shared_ptr<const Snapshot> snapshot;
  {
    std::shared_lock read(snapshot_mutex_);
    snapshot = snapshot_;
  }
  if (snapshot && std::chrono::steady_clock::now() - snapshot->checked < std::chrono::milliseconds(100)) {
    if (auto found = match(*snapshot)) return found;
  }
  return match(*refresh());
}

}  // namespace ehagent::agent
