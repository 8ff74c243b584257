// A live capture: the sockets of every (interface, shard), one ShardThread per shard ring, and
// an interface monitor thread that re-opens the sockets of an interface that went down or
// disappeared once it is back. No V8 here: the binding (addon.cc) wraps it.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "bpf.h"
#include "capture_config.h"
#include "interfaces.h"
#include "shard_thread.h"

namespace flowmatrix {

struct InterfaceStatus {
  std::string name;
  int if_index = 0;
  int link_type = -1;
  bool up = false;
  uint64_t down_events = 0;  // times its sockets failed (down, deleted)
  uint64_t rebinds = 0;      // times its sockets were opened again after that
  std::string last_error;
};

class CaptureSession : public SocketErrorSink {
 public:
  // `rings`: start of each shard ring's SharedArrayBuffer (validated by the caller), kept
  // alive by the caller until Stop() has returned.
  CaptureSession(CaptureConfig config, std::vector<void*> rings, PublishListener* listener);
  ~CaptureSession() override;
  CaptureSession(const CaptureSession&) = delete;
  CaptureSession& operator=(const CaptureSession&) = delete;

  // Opens every socket (all interfaces, all shards), then starts the threads. Throws
  // CaptureError and leaves nothing open on failure. A session starts once.
  void Start();
  // Threads joined, sockets closed; no ring is written after it returns. Idempotent.
  void Stop();

  bool running() const { return running_; }
  size_t shard_count() const { return rings_.size(); }
  size_t interface_count() const { return config_.interfaces.size(); }
  std::vector<InterfaceStatus> Interfaces() const;
  // Counters of one socket slot; null before Start().
  const SlotCounters* Counters(size_t iface, size_t shard) const;

  void OnSocketError(int iface, int generation, int err) override;

 private:
  struct IfaceState {
    InterfaceStatus status;
    int generation = 0;
    bool retire_pending = false;
  };

  InterfaceInfo Resolve(const std::string& name) const;
  std::vector<BpfInsn> FilterFor(int link_type) const;
  std::vector<PacketSocket> OpenInterface(const InterfaceInfo& info) const;
  void MonitorLoop();
  void TryRebuild(size_t iface);
  void WakeMonitor();

  const CaptureConfig config_;
  const std::vector<void*> rings_;
  PublishListener* const listener_;
  std::vector<std::unique_ptr<ShardThread>> shards_;
  bool started_ = false;
  bool running_ = false;

  mutable std::mutex mutex_;  // guards ifaces_
  std::vector<IfaceState> ifaces_;
  std::thread monitor_;
  int monitor_fd_ = -1;
  std::atomic<bool> monitor_stop_{false};
};

}  // namespace flowmatrix
