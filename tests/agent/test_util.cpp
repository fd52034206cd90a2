#include "test_util.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace ehagent::agent::test {
namespace {

pid_t spawn(const std::vector<std::string>& argv, const std::filesystem::path& out,
            const std::filesystem::path& err) {
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    const int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (o < 0 || e < 0 || ::dup2(o, 1) < 0 || ::dup2(e, 2) < 0) ::_exit(126);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  return pid;
}

int waitExit(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

ScratchDir::ScratchDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "ehagent-agent-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

ScratchDir::~ScratchDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

void writeText(const std::filesystem::path& file, const std::string& text) {
  std::ofstream(file, std::ios::binary) << text;
}

std::string readText(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

RunResult run(const std::vector<std::string>& argv, const std::filesystem::path& scratch) {
  static int counter = 0;
  const auto out = scratch / ("run" + std::to_string(++counter) + ".out");
  const auto err = scratch / ("run" + std::to_string(counter) + ".err");
  RunResult result;
  result.exit_code = waitExit(spawn(argv, out, err));
  result.out = readText(out);
  result.err = readText(err);
  return result;
}

std::string agentExe() {
#ifdef EHAGENT_TEST_AGENT
  return EHAGENT_TEST_AGENT;
#else
  return "ehagent";
#endif
}

AgentProcess::AgentProcess(const std::vector<std::string>& serve_args,
                           const std::filesystem::path& scratch)
    : out_file_(scratch / "agent.out"), err_file_(scratch / "agent.err") {
  std::vector<std::string> argv = {agentExe(), "serve"};
  argv.insert(argv.end(), serve_args.begin(), serve_args.end());
  pid_ = spawn(argv, out_file_, err_file_);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    const std::string out = readText(out_file_);
    const auto tcp = out.find("tcp=");
    if (tcp != std::string::npos && out.find('\n', tcp) != std::string::npos) {
      const auto space = out.find(' ', tcp);
      port_ = static_cast<unsigned short>(std::stoi(out.substr(out.rfind(':', space) + 1)));
      return;
    }
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("ehagent serve exited early: " + readText(err_file_));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  throw std::runtime_error("ehagent serve did not become ready: " + readText(err_file_));
}

AgentProcess::~AgentProcess() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    waitExit(pid_);
  }
}

int AgentProcess::stop(int signal_number) {
  if (pid_ <= 0) return -1;
  ::kill(pid_, signal_number);
  const int code = waitExit(pid_);
  pid_ = -1;
  return code;
}

std::string AgentProcess::log() const { return readText(err_file_); }

}  // namespace ehagent::agent::test
