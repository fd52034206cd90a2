#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <thread>

#include "agent/store/clients.hpp"
#include "test_util.hpp"

using namespace ehagent::agent;
using namespace ehagent::agent::test;

TEST(Clients, AddAuthenticateListRemove) {
  TempDir dir;
  ClientStore store(ClientStore::defaultFile(dir.path()));
  const std::string key = store.add("emr");
  EXPECT_EQ(key.size(), 43u);  // 32 bytes in unpadded base64url
  EXPECT_EQ(store.authenticate(key), std::optional<std::string>("emr"));
  EXPECT_EQ(store.authenticate(key + "x"), std::nullopt);
  EXPECT_EQ(store.authenticate(""), std::nullopt);
  const std::string other = store.add("web");
  EXPECT_NE(key, other);
  EXPECT_EQ(store.authenticate(other), std::optional<std::string>("web"));
  ASSERT_EQ(store.list().size(), 2u);
  EXPECT_TRUE(store.remove("emr"));
  EXPECT_FALSE(store.remove("emr"));
  EXPECT_EQ(store.authenticate(key), std::nullopt);
}

TEST(Clients, StoresOnlyAHashInAPrivateFile) {
  TempDir dir;
  const auto file = ClientStore::defaultFile(dir.path());
  const std::string key = ClientStore(file).add("emr");
  const std::string text = readFile(file);
  EXPECT_EQ(text.find(key), std::string::npos);
  struct stat st {};
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST(Clients, KeysAddedElsewhereAreSeenAtOnce) {
  TempDir dir;
  const auto file = ClientStore::defaultFile(dir.path());
  ClientStore running(file);
  EXPECT_EQ(running.authenticate("nothing"), std::nullopt);
  const std::string key = ClientStore(file).add("late");
  EXPECT_EQ(running.authenticate(key), std::optional<std::string>("late"));
}

// The running agent trusts a key that matched for 0.1 s after its last look at the file, so a key
// removed by the installer stops working after that, not at once.
TEST(Clients, KeysRemovedElsewhereStopWithinATenthOfASecond) {
  TempDir dir;
  const auto file = ClientStore::defaultFile(dir.path());
  ClientStore running(file);
  const std::string key = ClientStore(file).add("leaving");
  ASSERT_EQ(running.authenticate(key), std::optional<std::string>("leaving"));
  ASSERT_TRUE(ClientStore(file).remove("leaving"));
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  EXPECT_EQ(running.authenticate(key), std::nullopt);
}

TEST(Clients, BadNamesAndDuplicatesAreRefused) {
  TempDir dir;
  ClientStore store(ClientStore::defaultFile(dir.path()));
  EXPECT_THROW(store.add(""), ClientError);
  EXPECT_THROW(store.add("has space"), ClientError);
  EXPECT_THROW(store.add(std::string(65, 'a')), ClientError);
  store.add("emr");
  EXPECT_THROW(store.add("emr"), ClientError);
}

TEST(Clients, CorruptFileIsAClearError) {
  TempDir dir;
  const auto file = ClientStore::defaultFile(dir.path());
  writeFile(file, "{not json");
  EXPECT_THROW(ClientStore(file).list(), ClientError);
}
