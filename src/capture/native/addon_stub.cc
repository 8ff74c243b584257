// The capture addon on platforms without AF_PACKET: it builds (so `npm install` works and file
// mode is unaffected) and says that live capture is unsupported.
#include <node.h>

namespace {
inline void Ignore(v8::Maybe<bool> result) { (void)result.IsJust(); }
}  // namespace

#pragma GCC diagnostic push
// node.h casts the context-aware init function to its registration type.
#pragma GCC diagnostic ignored "-Wcast-function-type"
NODE_MODULE_INIT(/* exports, module, context */) {
  v8::Isolate* isolate = context->GetIsolate();
  auto str = [&](const char* s) { return v8::String::NewFromUtf8(isolate, s).ToLocalChecked(); };
  Ignore(exports->Set(context, str("supported"), v8::False(isolate)));
  Ignore(exports->Set(context, str("reason"), str("live capture is not supported on this platform")));
}
#pragma GCC diagnostic pop
