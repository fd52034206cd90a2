#include "tokens/sts/token_cache.hpp"
#include "core/file.hpp"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tokens/error.hpp"
#include "core/owned.hpp"

namespace ehagent::tokens {
namespace {

constexpr std::string_view kMagic = "EHTC1";  // file format version
constexpr std::size_t kKeyBytes = 32, kIvBytes = 12, kTagBytes = 16;

using CipherCtx = Owned<EVP_CIPHER_CTX, EVP_CIPHER_CTX_free>;

// The key is wiped when it goes, like a PIN.
struct AesKey {
  Bytes bytes = Bytes(kKeyBytes);
  ~AesKey() { OPENSSL_cleanse(bytes.data(), bytes.size()); }
};

void readKey(const std::filesystem::path& path, AesKey& key) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd >= 0) {
    struct stat st {};
    const bool ok = ::fstat(fd, &st) == 0 && (st.st_mode & 077) == 0 &&
                    ::read(fd, key.bytes.data(), kKeyBytes) == static_cast<ssize_t>(kKeyBytes);
    ::close(fd);
    if (!ok) throw Error("invalid_input", "the token cache key " + path.string() + " is not a 0600 file of 32 bytes");
    return;
  }
  if (RAND_bytes(key.bytes.data(), kKeyBytes) != 1) throw Error("crypto_error", "no random bytes for the cache key");
  const int out = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (out < 0) throw Error("invalid_input", "cannot create the token cache key " + path.string());
  const bool ok = ::write(out, key.bytes.data(), kKeyBytes) == static_cast<ssize_t>(kKeyBytes);
  ::close(out);
  if (!ok) throw Error("invalid_input", "cannot write the token cache key " + path.string());
}

std::string seal(const std::string& plain, const AesKey& key) {
  Bytes iv(kIvBytes), tag(kTagBytes);
  if (RAND_bytes(iv.data(), kIvBytes) != 1) throw Error("crypto_error", "no random IV");
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  Bytes out(plain.size() + 16);
  int n = 0, m = 0;
  if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.bytes.data(), iv.data()) != 1 ||
      EVP_EncryptUpdate(ctx.get(), nullptr, &n, reinterpret_cast<const unsigned char*>(kMagic.data()),
                        static_cast<int>(kMagic.size())) != 1 ||
      EVP_EncryptUpdate(ctx.get(), out.data(), &n, reinterpret_cast<const unsigned char*>(plain.data()),
                        static_cast<int>(plain.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), out.data() + n, &m) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes, tag.data()) != 1) {
    throw Error("crypto_error", "cannot encrypt the token cache");
  }
  out.resize(static_cast<std::size_t>(n + m));
  return std::string(kMagic) + std::string(iv.begin(), iv.end()) + std::string(tag.begin(), tag.end()) +
         std::string(out.begin(), out.end());
}

std::string unseal(const std::string& sealed, const AesKey& key) {
  if (sealed.size() < kMagic.size() + kIvBytes + kTagBytes || sealed.compare(0, kMagic.size(), kMagic) != 0) {
    throw Error("invalid_input", "the token cache file has an unknown format");
  }
  const auto* iv = reinterpret_cast<const unsigned char*>(sealed.data() + kMagic.size());
  Bytes tag(sealed.begin() + static_cast<long>(kMagic.size() + kIvBytes),
            sealed.begin() + static_cast<long>(kMagic.size() + kIvBytes + kTagBytes));
  const std::string body = sealed.substr(kMagic.size() + kIvBytes + kTagBytes);
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  Bytes out(body.size() + 16);
  int n = 0, m = 0;
  if (!ctx || EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.bytes.data(), iv) != 1 ||
      EVP_DecryptUpdate(ctx.get(), nullptr, &n, reinterpret_cast<const unsigned char*>(kMagic.data()),
                        static_cast<int>(kMagic.size())) != 1 ||
      EVP_DecryptUpdate(ctx.get(), out.data(), &n, reinterpret_cast<const unsigned char*>(body.data()),
                        static_cast<int>(body.size())) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes, tag.data()) != 1 ||
      EVP_DecryptFinal_ex(ctx.get(), out.data() + n, &m) != 1) {
    throw Error("invalid_input", "the token cache file does not decrypt (changed, or another key)");
  }
  std::string plain(out.begin(), out.begin() + n + m);
  OPENSSL_cleanse(out.data(), out.size());
  return plain;
}

}  // namespace

TokenCache::TokenCache(TokenCacheOptions options) : options_(std::move(options)) {
  if (!options_.clock) options_.clock = [] { return std::chrono::system_clock::now(); };
  if (!options_.persist_file.empty() && options_.key_file.empty()) {
    options_.key_file = options_.persist_file.string() + ".key";
  }
  load();
  if (options_.background) worker_ = std::thread([this] { loop(); });
}

TokenCache::~TokenCache() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (worker_.joinable()) worker_.join();
}

std::optional<SamlToken> TokenCache::get(const std::string& ssin, const std::string& profession) const {
  std::lock_guard lock(mutex_);
  const auto it = entries_.find({ssin, profession});
  if (it == entries_.end()) return std::nullopt;
  const auto now = options_.clock();
  if (now < it->second.token.not_before - std::chrono::seconds(60) || now >= it->second.token.not_on_or_after) {
    return std::nullopt;
  }
  return it->second.token;
}

SamlToken TokenCache::obtain(const std::string& ssin, const std::string& profession, const TokenSource& source) {
  if (auto cached = get(ssin, profession)) return *cached;
  if (!source.issue) throw Error("invalid_input", "no way to obtain an STS token");
  // Outside the lock: the issue may wait for the card and the PIN. Only a token that passed
  // every check of the STS client reaches put().
  SamlToken token = source.issue();
  put(ssin, profession, token, source);
  return token;
}

void TokenCache::put(const std::string& ssin, const std::string& profession, SamlToken token,
                     std::optional<TokenSource> source) {
  std::lock_guard lock(mutex_);
  auto& entry = entries_[{ssin, profession}];
  entry.token = std::move(token);
  if (source) entry.source = std::move(source);
  entry.last_error.clear();
  persistLocked();
}

void TokenCache::drop(const std::string& ssin) {
  std::lock_guard lock(mutex_);
  std::erase_if(entries_, [&](const auto& item) { return item.first.first == ssin; });
  persistLocked();
}

void TokenCache::clear() {
  std::lock_guard lock(mutex_);
  entries_.clear();
  persistLocked();
}

std::string TokenCache::lastRenewalError(const std::string& ssin, const std::string& profession) const {
  std::lock_guard lock(mutex_);
  const auto it = entries_.find({ssin, profession});
  return it == entries_.end() ? std::string() : it->second.last_error;
}

void TokenCache::renewDue() {
  std::vector<std::pair<Key, Entry>> due;
  {
    std::lock_guard lock(mutex_);
    const auto now = options_.clock();
    std::erase_if(entries_, [&](const auto& item) { return now >= item.second.token.not_on_or_after; });
    for (const auto& [key, entry] : entries_) {
      const auto half = entry.token.not_before + (entry.token.not_on_or_after - entry.token.not_before) / 2;
      if (now >= half && entry.source) due.emplace_back(key, entry);
    }
  }
  for (auto& [key, entry] : due) {
    std::optional<SamlToken> fresh;
    std::string error;
    for (int attempt = 0; attempt < 2 && !fresh; ++attempt) {
      try {
        if (attempt == 0 && entry.source->renew) fresh = entry.source->renew(entry.token);
        if (attempt == 1 && entry.source->issue) fresh = entry.source->issue();
      } catch (const std::exception& e) {
        error = e.what();
      }
    }
    std::lock_guard lock(mutex_);
    const auto it = entries_.find(key);
    // Dropped meanwhile (card removed, logout): the fresh token is not kept.
    if (it == entries_.end() || it->second.token.assertion_id != entry.token.assertion_id) continue;
    if (fresh) {
      it->second.token = std::move(*fresh);
      it->second.last_error.clear();
      persistLocked();
    } else {
      it->second.last_error = error;
    }
  }
}

void TokenCache::loop() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, options_.check_period, [this] { return stopping_; });
    if (stopping_) break;
    lock.unlock();
    renewDue();
    lock.lock();
  }
}

void TokenCache::persistLocked() const {
  if (options_.persist_file.empty()) return;
  nlohmann::json doc = {{"tokens", nlohmann::json::array()}};
  for (const auto& [key, entry] : entries_) {
    doc["tokens"].push_back({{"ssin", key.first}, {"profession", key.second}, {"assertion", entry.token.xml}});
  }
  AesKey aes;
  readKey(options_.key_file, aes);
  const std::string sealed = seal(doc.dump(), aes);
  const auto tmp = options_.persist_file.string() + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) throw Error("invalid_input", "cannot write the token cache " + tmp);
  const bool ok = ::write(fd, sealed.data(), sealed.size()) == static_cast<ssize_t>(sealed.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), options_.persist_file.c_str()) != 0) {
    throw Error("invalid_input", "cannot write the token cache " + options_.persist_file.string());
  }
}

void TokenCache::load() {
  if (options_.persist_file.empty() || !std::filesystem::exists(options_.persist_file)) return;
  AesKey aes;
  readKey(options_.key_file, aes);
  const auto doc = nlohmann::json::parse(unseal(readFile(options_.persist_file).value_or(""), aes), nullptr, false);
  if (doc.is_discarded() || !doc.contains("tokens")) throw Error("invalid_input", "the token cache file is damaged");
  for (const auto& row : doc["tokens"]) {
    SamlCheck check;
    check.sts_trust = options_.sts_trust;
    check.expected_ssin = row.value("ssin", "");
    check.now = options_.clock();
    try {
      // Read back tokens pass the same checks as fresh ones; an expired one is simply left out.
      entries_[Key{check.expected_ssin, row.value("profession", std::string())}].token =
          verifySamlAssertion(row.value("assertion", ""), check);
    } catch (const Error&) {
      continue;
    }
  }
}

}  // namespace ehagent::tokens
