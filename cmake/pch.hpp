// The third-party headers that most translation units include and that cost the most to parse
// (Boost.Asio and Beast with coroutines, nlohmann::json, spdlog), precompiled once per build
// (cmake/EhagentDefaults.cmake, EHAGENT_PCH). Only headers from outside the project belong here,
// so that the layer check, which reads each file's own includes, still sees every dependency.
#include <utility>  // before asio: Boost 1.74 awaitable.hpp uses std::exchange without it

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>
