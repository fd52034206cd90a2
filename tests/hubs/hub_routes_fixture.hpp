#pragma once
// The hub routes over the real router, with a HubSession made of test-PKI keys: Alice logged in
// with her eHealth key, Bob's eID as the patient card. Signers count their signatures, so a test
// can show that a refusal happened before any key was touched.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include "agent/session/card_queue.hpp"
#include "agent/session/worker_pool.hpp"
#include "agent/routes/hubs.hpp"
#include "tests/hubs/sandbox_hub_fixture.hpp"

namespace ehagent::testing {

class CountingSigner final : public tokens::Signer {
 public:
  explicit CountingSigner(tokens::OpenSslSigner inner) : inner_(std::move(inner)) {}
  std::vector<std::uint8_t> sign(std::span<const std::uint8_t> data, tokens::SignatureAlgorithm alg) override {
    ++count;
    return inner_.sign(data, alg);
  }
  const certs::Certificate& certificate() const override { return inner_.certificate(); }
  tokens::SignatureAlgorithm defaultAlgorithm() const override { return inner_.defaultAlgorithm(); }
  int count = 0;

 private:
  tokens::OpenSslSigner inner_;
};

class TestHubSession final : public agent::HubSession {
 public:
  TestHubSession(tokens::OpenSslSigner ehealth, tokens::OpenSslSigner patientKey, std::string assertion)
      : ehealth(std::move(ehealth)), patientKey(std::move(patientKey)), assertion_(std::move(assertion)) {}
  hubs::Practitioner practitioner() override { return aliceHeader().author.practitioner; }
  boost::asio::awaitable<std::string> samlAssertion() override { co_return assertion_; }
  boost::asio::awaitable<hubs::SignedHubRequest> withHolderOfKey(
      std::function<hubs::SignedHubRequest(tokens::Signer&)> work) override {
    co_return work(ehealth);
  }
  boost::asio::awaitable<agent::PatientCard> readPatientCard() override {
    ++cardReads;
    co_return agent::PatientCard{"82110523358", "592123456789"};
  }
  boost::asio::awaitable<std::vector<std::uint8_t>> withPatientSignatureKey(
      std::function<std::vector<std::uint8_t>(tokens::Signer&)> work) override {
    co_return work(patientKey);
  }
  CountingSigner ehealth;
  CountingSigner patientKey;
  int cardReads = 0;

 private:
  std::string assertion_;
};

class HubRoutesFixture : public SandboxHubFixture {
 protected:
  void SetUp() override {
    SandboxHubFixture::SetUp();
    // Bob, the patient in the second reader: his eID key stands in for the Signature key.
    session_ = std::make_unique<TestHubSession>(signer("alice_ehealth"), signer("bob_auth"), aliceAssertion());
    clients_ = std::make_unique<agent::ClientStore>(dir_.path() / "clients.json");
    key_ = clients_->add("TestEMR");
    audit_ = std::make_unique<agent::AuditLog>(dir_.path() / "audit.sqlite");
    queues_ = std::make_unique<agent::CardQueues>(4);
    network_ = std::make_unique<agent::WorkerPool>(2, 8);
    state_ = std::make_unique<agent::StateBoard>(events_);
    server_ = std::make_unique<agent::ServerContext>(agent::ServerContext{
        config_, *clients_, *audit_, *queues_, *network_, events_, *state_, "test"});
    agent::addHubRoutes(router_, *session_);
  }

  void configureHub(const std::string& url, const std::string& caFile) {
    hubs::HubEndpoint hub;
    hub.name = "sandbox";
    hub.url = url;
    hub.hubId = "1990000035";
    hub.http.ca_file = caFile;
    hub.http.read_timeout = std::chrono::seconds(2);
    hub.http.service = "hub";
    server_->config.hubs["sandbox"] = std::move(hub);
  }

  agent::Response call(boost::beast::http::verb method, const std::string& target, const std::string& body = {},
                       const std::string& contentType = "application/json") {
    agent::Request req{method, target, 11};
    req.set(boost::beast::http::field::host, "127.0.0.1:17443");
    req.set(boost::beast::http::field::authorization, "Bearer " + key_);
    req.set(boost::beast::http::field::content_type, contentType);
    req.body() = body;
    req.prepare_payload();
    agent::RequestContext ctx{*server_, agent::tcpAcceptedHosts(17443), "", {}, {}, false, {}};
    boost::asio::io_context io;
    agent::Response out;
    std::exception_ptr failure;
    boost::asio::co_spawn(io, router_.handle(req, ctx), [&](std::exception_ptr e, agent::Response r) {
      failure = e;
      out = std::move(r);
    });
    io.run();
    if (failure) std::rethrow_exception(failure);
    return out;
  }

  static nlohmann::json json(const agent::Response& r) { return nlohmann::json::parse(r.body()); }

  std::vector<agent::AuditRow> auditRows() { return audit_->query({}); }

  std::unique_ptr<TestHubSession> session_;
  agent::Config config_;
  std::unique_ptr<agent::ClientStore> clients_;
  std::string key_;
  std::unique_ptr<agent::AuditLog> audit_;
  std::unique_ptr<agent::CardQueues> queues_;
  std::unique_ptr<agent::WorkerPool> network_;
  agent::EventBus events_;
  std::unique_ptr<agent::StateBoard> state_;
  std::unique_ptr<agent::ServerContext> server_;
  agent::Router router_;
};

}  // namespace ehagent::testing
