#include "notifier.h"

namespace flowmatrix {

Notifier::Notifier(v8::Isolate* isolate, v8::Local<v8::Object> resource, v8::Local<v8::Function> callback)
    : isolate_(isolate), resource_(isolate, resource), callback_(isolate, callback) {
  async_context_ = node::EmitAsyncInit(isolate, resource, "FLOWMATRIX_CAPTURE");
  handle_ = new Handle{};
  handle_->owner = this;
  uv_async_init(node::GetCurrentEventLoop(isolate), &handle_->async, OnAsync);
  handle_->async.data = handle_;
  // Never keeps the process alive by itself: the capture's users hold their own handles.
  uv_unref(reinterpret_cast<uv_handle_t*>(&handle_->async));
}

Notifier::~Notifier() { Close(); }

void Notifier::OnPublish(int shard) {
  const uint64_t bit = uint64_t{1} << (shard & 63);
  // Only the first publish since the last delivery signals (uv_async_send would coalesce
  // anyway, but this keeps the cost to one atomic OR when a delivery is already due).
  if (mask_.fetch_or(bit, std::memory_order_acq_rel) == 0 && handle_ != nullptr) {
    uv_async_send(&handle_->async);
  }
}

void Notifier::OnAsync(uv_async_t* async) {
  Handle* h = static_cast<Handle*>(async->data);
  if (h->owner != nullptr) h->owner->Deliver();
}

void Notifier::Deliver() {
  const uint64_t mask = mask_.exchange(0, std::memory_order_acq_rel);
  if (mask == 0) return;
  v8::HandleScope scope(isolate_);
  v8::Local<v8::Object> resource = resource_.Get(isolate_);
  v8::Local<v8::Function> fn = callback_.Get(isolate_);
  v8::Context::Scope context_scope(fn->GetCreationContext().ToLocalChecked());
  v8::Local<v8::Value> argv[2] = {
      v8::Number::New(isolate_, static_cast<double>(mask & 0xffffffffu)),
      v8::Number::New(isolate_, static_cast<double>(mask >> 32)),
  };
  // MakeCallback: async hooks, microtasks, and an exception goes to 'uncaughtException'.
  (void)node::MakeCallback(isolate_, resource, fn, 2, argv, async_context_);
}

void Notifier::Close(void (*closed)(void*), void* arg) {
  if (handle_ == nullptr) {
    if (closed != nullptr) closed(arg);
    return;
  }
  Handle* h = handle_;
  handle_ = nullptr;
  h->owner = nullptr;
  h->closed = closed;
  h->closed_arg = arg;
  uv_close(reinterpret_cast<uv_handle_t*>(&h->async), [](uv_handle_t* handle) {
    Handle* done = static_cast<Handle*>(handle->data);
    if (done->closed != nullptr) done->closed(done->closed_arg);
    delete done;
  });
  node::EmitAsyncDestroy(isolate_, async_context_);
  resource_.Reset();
  callback_.Reset();
}

}  // namespace flowmatrix
