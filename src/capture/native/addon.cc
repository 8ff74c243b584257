// The V8 binding of the capture engine (Linux). Context-aware (NODE_MODULE_INIT, no static V8
// state): it loads in worker threads too. V8 rather than Node-API because only the V8 API hands
// out a SharedArrayBuffer's memory on Node 20 (BackingStore, kept alive while threads write).
//
// exports.supported           true
// exports.listInterfaces()    [{ name, index, arphrd, linkType, up, running }]
// exports.compileBpf(expr, linkType, snaplen, libraries?) -> [[code, jt, jf, k], ...]
// new exports.Capture(options, rings, notify)  .start() .stop() .stats() .isRunning()
// Errors are Error objects with `code` set to a code of src/errors.ts.
#include <node.h>

#include <memory>
#include <string>
#include <vector>

#include "bpf.h"
#include "capture_error.h"
#include "capture_session.h"
#include "interfaces.h"
#include "notifier.h"
#include "ring_writer.h"

namespace flowmatrix {
namespace {

using v8::Array;
using v8::Context;
using v8::Function;
using v8::FunctionCallbackInfo;
using v8::FunctionTemplate;
using v8::Isolate;
using v8::Local;
using v8::Object;
using v8::String;
using v8::Value;

// Property sets on fresh plain objects cannot fail short of a pending exception.
inline void Ignore(v8::Maybe<bool> result) { (void)result.IsJust(); }

Local<String> Str(Isolate* isolate, const std::string& s) {
  return String::NewFromUtf8(isolate, s.c_str(), v8::NewStringType::kNormal, static_cast<int>(s.size()))
      .ToLocalChecked();
}

void Throw(Isolate* isolate, const char* code, const std::string& message) {
  Local<Context> context = isolate->GetCurrentContext();
  Local<Object> err = v8::Exception::Error(Str(isolate, message)).As<Object>();
  Ignore(err->Set(context, Str(isolate, "code"), Str(isolate, code)));
  isolate->ThrowException(err);
}

void Set(Isolate* isolate, Local<Object> obj, const char* key, Local<Value> value) {
  Ignore(obj->Set(isolate->GetCurrentContext(), Str(isolate, key), value));
}
void SetNum(Isolate* isolate, Local<Object> obj, const char* key, double value) {
  Set(isolate, obj, key, v8::Number::New(isolate, value));
}
void SetBool(Isolate* isolate, Local<Object> obj, const char* key, bool value) {
  Set(isolate, obj, key, v8::Boolean::New(isolate, value));
}

// Option readers: absent or undefined keeps the default; a wrong type is a CaptureError.
Local<Value> Get(Isolate* isolate, Local<Object> obj, const char* key) {
  Local<Value> v;
  if (!obj->Get(isolate->GetCurrentContext(), Str(isolate, key)).ToLocal(&v)) return v8::Undefined(isolate);
  return v;
}

uint32_t GetUint(Isolate* isolate, Local<Object> obj, const char* key, uint32_t def, uint32_t min, uint32_t max) {
  Local<Value> v = Get(isolate, obj, key);
  if (v->IsUndefined()) return def;
  if (!v->IsNumber()) throw CaptureError("BAD_ARGUMENT", std::string(key) + " must be a number");
  double d = v.As<v8::Number>()->Value();
  if (!(d >= min && d <= max) || d != static_cast<double>(static_cast<uint64_t>(d))) {
    throw CaptureError("BAD_ARGUMENT", std::string(key) + " must be an integer from " + std::to_string(min) +
                                           " to " + std::to_string(max));
  }
  return static_cast<uint32_t>(d);
}

bool GetBool(Isolate* isolate, Local<Object> obj, const char* key, bool def) {
  Local<Value> v = Get(isolate, obj, key);
  if (v->IsUndefined()) return def;
  if (!v->IsBoolean()) throw CaptureError("BAD_ARGUMENT", std::string(key) + " must be a boolean");
  return v->BooleanValue(isolate);
}

std::string ToStdString(Isolate* isolate, Local<Value> v) {
  String::Utf8Value utf8(isolate, v);
  return *utf8 == nullptr ? std::string() : std::string(*utf8, static_cast<size_t>(utf8.length()));
}

std::vector<std::string> GetStrings(Isolate* isolate, Local<Value> v, const char* what) {
  std::vector<std::string> out;
  if (v->IsUndefined()) return out;
  if (!v->IsArray()) throw CaptureError("BAD_ARGUMENT", std::string(what) + " must be an array of strings");
  Local<Array> arr = v.As<Array>();
  Local<Context> context = isolate->GetCurrentContext();
  for (uint32_t i = 0; i < arr->Length(); i++) {
    Local<Value> e;
    if (!arr->Get(context, i).ToLocal(&e) || !e->IsString()) {
      throw CaptureError("BAD_ARGUMENT", std::string(what) + " must be an array of strings");
    }
    out.push_back(ToStdString(isolate, e));
  }
  return out;
}

CaptureConfig ParseConfig(Isolate* isolate, Local<Object> o) {
  CaptureConfig c;
  c.interfaces = GetStrings(isolate, Get(isolate, o, "interfaces"), "interfaces");
  if (c.interfaces.empty()) throw CaptureError("BAD_ARGUMENT", "live capture needs at least one interface");
  c.snaplen = GetUint(isolate, o, "snaplen", 512, 16, 262144);
  c.socket.block_size = GetUint(isolate, o, "blockSize", 1u << 20, 4096, 1u << 30);
  if ((c.socket.block_size & (c.socket.block_size - 1)) != 0) {
    throw CaptureError("BAD_ARGUMENT", "blockSize must be a power of two");
  }
  c.socket.block_count = GetUint(isolate, o, "blockCount", 64, 2, 1u << 16);
  if (uint64_t{c.socket.block_size} * c.socket.block_count > (uint64_t{1} << 32) - 1) {
    throw CaptureError("BAD_ARGUMENT", "blockSize x blockCount must stay under 4 GiB");
  }
  c.socket.retire_ms = GetUint(isolate, o, "retireMs", 10, 1, 10000);
  c.socket.promisc = GetBool(isolate, o, "promisc", true);
  c.socket.ignore_outgoing = GetBool(isolate, o, "ignoreOutgoing", false);
  c.defrag = GetBool(isolate, o, "defrag", false);
  c.fanout_hash = GetBool(isolate, o, "fanoutHash", false);
  c.rebind_ms = GetUint(isolate, o, "rebindMs", 1000, 10, 600000);
  Local<Value> bpf = Get(isolate, o, "bpf");
  if (!bpf->IsUndefined() && !bpf->IsNull()) {
    if (!bpf->IsString()) throw CaptureError("BAD_ARGUMENT", "bpf must be a string");
    c.bpf = ToStdString(isolate, bpf);
  }
  c.libpcap = GetStrings(isolate, Get(isolate, o, "libpcap"), "libpcap");
  return c;
}

// ---------------------------------------------------------------------------------------------

class CaptureWrap : public PublishListener {
 public:
  static void New(const FunctionCallbackInfo<Value>& args);
  static void Start(const FunctionCallbackInfo<Value>& args);
  static void Stop(const FunctionCallbackInfo<Value>& args);
  static void Stats(const FunctionCallbackInfo<Value>& args);
  static void IsRunning(const FunctionCallbackInfo<Value>& args);

 private:
  CaptureWrap(Isolate* isolate, Local<Object> self, CaptureConfig config,
              std::vector<std::shared_ptr<v8::BackingStore>> stores, Local<Function> notify);
  ~CaptureWrap() override;
  // Capture threads, between start() and the end of stop().
  void OnPublish(int shard) override { notifier_->OnPublish(shard); }
  static CaptureWrap* Unwrap(const FunctionCallbackInfo<Value>& args) {
    return static_cast<CaptureWrap*>(args.This()->GetAlignedPointerFromInternalField(0));
  }
  void DoStop(void (*closed)(void*) = nullptr, void* arg = nullptr);
  void MakeWeak();
  static void OnEnvironmentCleanup(void* arg, void (*done)(void*), void* done_arg);

  Isolate* const isolate_;
  v8::Global<Object> self_;
  v8::Global<Function> notify_;
  // The rings' memory: held until the session (and its threads) are gone.
  std::vector<std::shared_ptr<v8::BackingStore>> stores_;
  std::unique_ptr<Notifier> notifier_;
  std::unique_ptr<CaptureSession> session_;
  node::AsyncCleanupHookHandle cleanup_hook_;
};

CaptureWrap::CaptureWrap(Isolate* isolate, Local<Object> self, CaptureConfig config,
                         std::vector<std::shared_ptr<v8::BackingStore>> stores, Local<Function> notify)
    : isolate_(isolate), self_(isolate, self), notify_(isolate, notify), stores_(std::move(stores)) {
  std::vector<void*> rings;
  for (auto& s : stores_) rings.push_back(s->Data());
  session_.reset(new CaptureSession(std::move(config), std::move(rings), this));
  self->SetAlignedPointerInInternalField(0, this);
  // Collected with its JS object while not running (start() makes the reference strong).
  MakeWeak();
}

void CaptureWrap::MakeWeak() {
  self_.SetWeak(
      this,
      [](const v8::WeakCallbackInfo<CaptureWrap>& data) {
        CaptureWrap* w = data.GetParameter();
        w->self_.Reset();
        delete w;
      },
      v8::WeakCallbackType::kParameter);
}

CaptureWrap::~CaptureWrap() {
  if (session_) session_->Stop();
  notifier_.reset();
}

void CaptureWrap::New(const FunctionCallbackInfo<Value>& args) {
  Isolate* isolate = args.GetIsolate();
  if (!args.IsConstructCall()) {
    Throw(isolate, "INTERNAL", "Capture must be called with new");
    return;
  }
  if (args.Length() < 3 || !args[0]->IsObject() || !args[1]->IsArray() || !args[2]->IsFunction()) {
    Throw(isolate, "BAD_ARGUMENT", "new Capture(options, rings, notify)");
    return;
  }
  try {
    CaptureConfig config = ParseConfig(isolate, args[0].As<Object>());
    Local<Array> rings = args[1].As<Array>();
    if (rings->Length() == 0 || rings->Length() > 64) {
      throw CaptureError("BAD_ARGUMENT", "live capture needs 1 to 64 shard rings");
    }
    std::vector<std::shared_ptr<v8::BackingStore>> stores;
    for (uint32_t i = 0; i < rings->Length(); i++) {
      Local<Value> v;
      if (!rings->Get(isolate->GetCurrentContext(), i).ToLocal(&v) || !v->IsSharedArrayBuffer()) {
        throw CaptureError("BAD_ARGUMENT", "every ring must be a SharedArrayBuffer");
      }
      std::shared_ptr<v8::BackingStore> store = v.As<v8::SharedArrayBuffer>()->GetBackingStore();
      std::string why;
      if (!RingWriter::Validate(store->Data(), store->ByteLength(), &why)) {
        throw CaptureError("BAD_ARGUMENT", "ring " + std::to_string(i) + ": " + why);
      }
      for (auto& other : stores) {
        if (other->Data() == store->Data()) {
          throw CaptureError("BAD_ARGUMENT", "the same ring is given twice (one producer per ring)");
        }
      }
      stores.push_back(std::move(store));
    }
    new CaptureWrap(isolate, args.This(), std::move(config), std::move(stores), args[2].As<Function>());
  } catch (const CaptureError& e) {
    Throw(isolate, e.code(), e.what());
  } catch (const std::exception& e) {
    Throw(isolate, "INTERNAL", e.what());
  }
}

void CaptureWrap::Start(const FunctionCallbackInfo<Value>& args) {
  Isolate* isolate = args.GetIsolate();
  CaptureWrap* w = Unwrap(args);
  if (w->session_->running()) return;
  // The notifier exists before the threads start and is closed after they are joined.
  w->notifier_.reset(new Notifier(isolate, args.This(), w->notify_.Get(isolate)));
  try {
    w->session_->Start();
  } catch (const CaptureError& e) {
    w->notifier_->Close();
    w->notifier_.reset();
    Throw(isolate, e.code(), e.what());
    return;
  } catch (const std::exception& e) {
    w->notifier_->Close();
    w->notifier_.reset();
    Throw(isolate, "INTERNAL", e.what());
    return;
  }
  // Running: the object must not be collected, and the environment's teardown must stop it.
  w->self_.ClearWeak();
  w->cleanup_hook_ = node::AddEnvironmentCleanupHook(isolate, OnEnvironmentCleanup, w);
}

void CaptureWrap::DoStop(void (*closed)(void*), void* arg) {
  session_->Stop();
  if (notifier_) {
    notifier_->Close(closed, arg);
    notifier_.reset();
  } else if (closed != nullptr) {
    closed(arg);
  }
}

void CaptureWrap::OnEnvironmentCleanup(void* arg, void (*done)(void*), void* done_arg) {
  CaptureWrap* w = static_cast<CaptureWrap*>(arg);
  // The environment (main thread or worker) is going away with the capture running: join the
  // threads, close the sockets, and report done once libuv has released the async handle.
  w->DoStop(done, done_arg);
}

void CaptureWrap::Stop(const FunctionCallbackInfo<Value>& args) {
  CaptureWrap* w = Unwrap(args);
  if (!w->session_->running()) return;
  w->DoStop();
  if (w->cleanup_hook_) node::RemoveEnvironmentCleanupHook(std::move(w->cleanup_hook_));
  w->MakeWeak();
}

void CaptureWrap::IsRunning(const FunctionCallbackInfo<Value>& args) {
  args.GetReturnValue().Set(Unwrap(args)->session_->running());
}

void CaptureWrap::Stats(const FunctionCallbackInfo<Value>& args) {
  Isolate* isolate = args.GetIsolate();
  Local<Context> context = isolate->GetCurrentContext();
  CaptureWrap* w = Unwrap(args);
  CaptureSession& s = *w->session_;
  Local<Object> out = Object::New(isolate);
  SetBool(isolate, out, "running", s.running());
  Local<Array> sockets = Array::New(isolate);
  uint32_t n = 0;
  for (size_t i = 0; i < s.interface_count(); i++) {
    for (size_t k = 0; k < s.shard_count(); k++) {
      const SlotCounters* c = s.Counters(i, k);
      Local<Object> o = Object::New(isolate);
      SetNum(isolate, o, "iface", static_cast<double>(i));
      SetNum(isolate, o, "shard", static_cast<double>(k));
      auto num = [&](const char* key, const std::atomic<uint64_t>* v) {
        SetNum(isolate, o, key, v == nullptr ? 0 : static_cast<double>(v->load(std::memory_order_relaxed)));
      };
      SetBool(isolate, o, "open", c != nullptr && c->generation.load(std::memory_order_relaxed) >= 0);
      num("packets", c ? &c->packets : nullptr);
      num("kernelDrops", c ? &c->drops : nullptr);
      num("freezes", c ? &c->freezes : nullptr);
      num("copied", c ? &c->copied : nullptr);
      num("bytes", c ? &c->bytes : nullptr);
      num("ringDrops", c ? &c->ring_drops : nullptr);
      num("blocks", c ? &c->blocks : nullptr);
      num("errors", c ? &c->errors : nullptr);
      Ignore(sockets->Set(context, n++, o));
    }
  }
  Set(isolate, out, "sockets", sockets);
  Local<Array> ifaces = Array::New(isolate);
  uint32_t m = 0;
  for (const InterfaceStatus& st : s.Interfaces()) {
    Local<Object> o = Object::New(isolate);
    Set(isolate, o, "name", Str(isolate, st.name));
    SetNum(isolate, o, "ifIndex", st.if_index);
    SetNum(isolate, o, "linkType", st.link_type);
    SetBool(isolate, o, "up", st.up);
    SetNum(isolate, o, "downEvents", static_cast<double>(st.down_events));
    SetNum(isolate, o, "rebinds", static_cast<double>(st.rebinds));
    Set(isolate, o, "lastError", Str(isolate, st.last_error));
    Ignore(ifaces->Set(context, m++, o));
  }
  Set(isolate, out, "interfaces", ifaces);
  args.GetReturnValue().Set(out);
}

// ---------------------------------------------------------------------------------------------

void ListInterfacesJs(const FunctionCallbackInfo<Value>& args) {
  Isolate* isolate = args.GetIsolate();
  Local<Context> context = isolate->GetCurrentContext();
  Local<Array> out = Array::New(isolate);
  uint32_t n = 0;
  for (const InterfaceInfo& i : ListInterfaces()) {
    Local<Object> o = Object::New(isolate);
    Set(isolate, o, "name", Str(isolate, i.name));
    SetNum(isolate, o, "index", i.index);
    SetNum(isolate, o, "arphrd", i.arphrd);
    SetNum(isolate, o, "linkType", i.link_type);
    SetBool(isolate, o, "up", i.up);
    SetBool(isolate, o, "running", i.running);
    Ignore(out->Set(context, n++, o));
  }
  args.GetReturnValue().Set(out);
}

void CompileBpfJs(const FunctionCallbackInfo<Value>& args) {
  Isolate* isolate = args.GetIsolate();
  Local<Context> context = isolate->GetCurrentContext();
  if (args.Length() < 3 || !args[0]->IsString() || !args[1]->IsNumber() || !args[2]->IsNumber()) {
    Throw(isolate, "BAD_ARGUMENT", "compileBpf(expression, linkType, snaplen, libraries?)");
    return;
  }
  try {
    std::vector<std::string> libs =
        args.Length() > 3 ? GetStrings(isolate, args[3], "libraries") : std::vector<std::string>();
    std::vector<BpfInsn> prog = CompileBpf(ToStdString(isolate, args[0]), args[1].As<v8::Number>()->Value(),
                                           args[2].As<v8::Number>()->Value(), libs);
    Local<Array> out = Array::New(isolate, static_cast<int>(prog.size()));
    for (uint32_t i = 0; i < prog.size(); i++) {
      Local<Array> insn = Array::New(isolate, 4);
      Ignore(insn->Set(context, 0, v8::Number::New(isolate, prog[i].code)));
      Ignore(insn->Set(context, 1, v8::Number::New(isolate, prog[i].jt)));
      Ignore(insn->Set(context, 2, v8::Number::New(isolate, prog[i].jf)));
      Ignore(insn->Set(context, 3, v8::Number::New(isolate, prog[i].k)));
      Ignore(out->Set(context, i, insn));
    }
    args.GetReturnValue().Set(out);
  } catch (const CaptureError& e) {
    Throw(isolate, e.code(), e.what());
  } catch (const std::exception& e) {
    Throw(isolate, "INTERNAL", e.what());
  }
}

}  // namespace
}  // namespace flowmatrix

#pragma GCC diagnostic push
// node.h casts the context-aware init function to its registration type.
#pragma GCC diagnostic ignored "-Wcast-function-type"
NODE_MODULE_INIT(/* exports, module, context */) {
  using flowmatrix::CaptureWrap;
  using flowmatrix::Ignore;
  v8::Isolate* isolate = context->GetIsolate();
  auto str = [&](const char* s) { return v8::String::NewFromUtf8(isolate, s).ToLocalChecked(); };

  v8::Local<v8::FunctionTemplate> tpl = v8::FunctionTemplate::New(isolate, CaptureWrap::New);
  tpl->SetClassName(str("Capture"));
  tpl->InstanceTemplate()->SetInternalFieldCount(1);
  v8::Local<v8::Signature> sig = v8::Signature::New(isolate, tpl);
  auto method = [&](const char* name, v8::FunctionCallback cb) {
    tpl->PrototypeTemplate()->Set(isolate, name, v8::FunctionTemplate::New(isolate, cb, {}, sig));
  };
  method("start", CaptureWrap::Start);
  method("stop", CaptureWrap::Stop);
  method("stats", CaptureWrap::Stats);
  method("isRunning", CaptureWrap::IsRunning);

  Ignore(exports->Set(context, str("supported"), v8::True(isolate)));
  Ignore(exports->Set(context, str("Capture"), tpl->GetFunction(context).ToLocalChecked()));
  Ignore(exports->Set(context, str("listInterfaces"),
                     v8::FunctionTemplate::New(isolate, flowmatrix::ListInterfacesJs)->GetFunction(context).ToLocalChecked()));
  Ignore(exports->Set(context, str("compileBpf"),
                     v8::FunctionTemplate::New(isolate, flowmatrix::CompileBpfJs)->GetFunction(context).ToLocalChecked()));
}
#pragma GCC diagnostic pop
