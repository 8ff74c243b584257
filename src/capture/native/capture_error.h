// Errors thrown by the capture engine. `code` is a code of the project's error catalogue
// (src/errors.ts): the binding turns a CaptureError into a JS Error with that `code`, and the
// TypeScript wrapper into a FlowmatrixError.
#pragma once

#include <stdexcept>
#include <string>

namespace flowmatrix {

class CaptureError : public std::runtime_error {
 public:
  CaptureError(const char* code, const std::string& message)
      : std::runtime_error(message), code_(code) {}
  const char* code() const { return code_; }

 private:
  const char* code_;
};

// "what failed: strerror(err)".
std::string ErrnoMessage(const std::string& what, int err);

}  // namespace flowmatrix
