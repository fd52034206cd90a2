#include <iostream>

#include "agent/store/clients.hpp"
#include "agent/config/paths.hpp"
#include "certs/error.hpp"
#include "certs/expiry.hpp"
#include "installer/commands.hpp"

namespace ehagent::installer {

void addTrustCommands(CLI::App& app, Context& ctx) {
  auto* trust = app.add_subcommand("trust", "Manage the CA certificates the agent trusts");
  trust->require_subcommand(1);

  auto* add = trust->add_subcommand("add", "Add a CA certificate (PEM or DER) to the state dir's trust store");
  static std::filesystem::path file;
  add->add_option("FILE", file, "CA certificate file")->required()->check(CLI::ExistingFile);
  add->callback([&ctx] {
    ctx.load();
    try {
      const auto cert = certs::Certificate::loadFile(file);
      agent::ensurePrivateDirectory(ctx.stateDir);
      const auto installed = certs::TrustStore::installInto(ctx.trustDir(), cert);
      std::cout << (installed.added ? "added " : "already trusted ") << cert.subject() << "\n  "
                << installed.path.string() << "\n";
    } catch (const certs::Error& e) {
      throw CommandFailed(std::string("cannot add ") + file.string() + ": " + e.what());
    }
  });

  auto* list = trust->add_subcommand("list", "List the trusted CA certificates (bundled and added)");
  list->callback([&ctx] {
    ctx.load();
    const auto store = ctx.trustStore();
    const auto now = std::chrono::system_clock::now();
    for (const auto& c : store.certificates()) {
      std::cout << c.subject() << "\n  sha256 " << certs::toHex(c.sha256Fingerprint(), ":")
                << "\n  valid until " << certs::isoDate(c.notAfter()) << " ("
                << certs::toString(certs::expiryAt(c, now).state) << ")\n";
    }
    for (const auto& p : store.problems()) std::cerr << "warning: skipped " << p << "\n";
    if (store.certificates().empty()) {
      std::cout << "no trusted certificates (looked in " << ctx.bundledTrust.string() << " and "
                << ctx.trustDir().string() << ")\n";
    }
  });
}

void addClientsCommands(CLI::App& app, Context& ctx) {
  auto* clients = app.add_subcommand("clients", "Register the client applications that may call the agent");
  clients->require_subcommand(1);
  static std::string name;

  auto* add = clients->add_subcommand("add", "Register a client; prints its API key once");
  add->add_option("NAME", name, "client name ([A-Za-z0-9._-], 1-64 characters)")->required();
  add->callback([&ctx] {
    ctx.load();
    agent::ensurePrivateDirectory(ctx.stateDir);
    agent::ClientStore store(agent::ClientStore::defaultFile(ctx.stateDir));
    try {
      const std::string key = store.add(name);
      std::cout << "client \"" << name << "\" registered. Its API key (shown only now):\n" << key << "\n";
    } catch (const agent::ClientError& e) {
      throw CommandFailed(e.what());
    }
  });

  auto* list = clients->add_subcommand("list", "List registered clients");
  list->callback([&ctx] {
    ctx.load();
    agent::ClientStore store(agent::ClientStore::defaultFile(ctx.stateDir));
    const auto all = store.list();
    for (const auto& c : all) std::cout << c.name << "\t" << c.created_utc << "\n";
    if (all.empty()) std::cout << "no clients registered\n";
  });

  auto* remove = clients->add_subcommand("remove", "Remove a client; its key stops working at once");
  remove->add_option("NAME", name, "client name")->required();
  remove->callback([&ctx] {
    ctx.load();
    agent::ClientStore store(agent::ClientStore::defaultFile(ctx.stateDir));
    if (!store.remove(name)) throw CommandFailed("no client named \"" + name + "\"");
    std::cout << "client \"" << name << "\" removed\n";
  });
}

}  // namespace ehagent::installer
