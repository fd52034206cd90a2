#pragma once
// The one owner of an object a C library allocated (OpenSSL, libxml2, SQLite, stdio): a
// unique_ptr whose deleter is the library's own free function, named in the type, as in
// Owned<X509, X509_free>. A free function that takes more than the pointer gets a small
// noexcept wrapper of one argument.
#include <memory>

namespace ehagent {

template <auto Free>
struct FreeWith {
  template <typename T>
  void operator()(T* p) const noexcept {
    if (p != nullptr) Free(p);
  }
};

template <typename T, auto Free>
using Owned = std::unique_ptr<T, FreeWith<Free>>;

}  // namespace ehagent
