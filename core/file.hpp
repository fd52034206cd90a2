#pragma once
// Reading a whole file as text: the one place every reader of a config, PEM, JSON or state file
// goes through. Each caller decides what a file that cannot be opened means (an error that names
// it, or a default).
#include <filesystem>
#include <optional>
#include <string>

namespace ehagent {

// The file's bytes, or nothing when it cannot be opened.
[[nodiscard]] std::optional<std::string> readFile(const std::filesystem::path& path);

}  // namespace ehagent
