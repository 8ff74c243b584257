// Wakes the JS side of the rings after a publish. V8's Atomics.wait/waitAsync wait on V8's own
// futex emulation, which a native thread cannot notify; so a capture thread sets its shard's
// bit and signals a uv_async handle, and on the JS thread that created the capture the callback
// receives the bits (coalesced: at most one call per event-loop turn) and does what
// RingProducer.publish does, Atomics.notify on writePos and publishSeq.
#pragma once

#include <node.h>
#include <uv.h>

#include <atomic>
#include <cstdint>

#include "capture_config.h"

namespace flowmatrix {

class Notifier : public PublishListener {
 public:
  // `callback(maskLow, maskHigh)` runs on the loop of `isolate`'s environment, with `resource`
  // as receiver and async resource.
  Notifier(v8::Isolate* isolate, v8::Local<v8::Object> resource, v8::Local<v8::Function> callback);
  ~Notifier() override;
  Notifier(const Notifier&) = delete;
  Notifier& operator=(const Notifier&) = delete;

  // Any thread.
  void OnPublish(int shard) override;

  // JS thread; after the capture threads have been joined. `closed(arg)` runs once libuv has
  // let go of the handle (the environment's async cleanup hook waits for that).
  void Close(void (*closed)(void*) = nullptr, void* arg = nullptr);

 private:
  struct Handle {
    uv_async_t async;
    Notifier* owner;
    void (*closed)(void*);
    void* closed_arg;
  };
  static void OnAsync(uv_async_t* async);
  void Deliver();

  v8::Isolate* const isolate_;
  v8::Global<v8::Object> resource_;
  v8::Global<v8::Function> callback_;
  node::async_context async_context_;
  Handle* handle_;
  std::atomic<uint64_t> mask_{0};
};

}  // namespace flowmatrix
