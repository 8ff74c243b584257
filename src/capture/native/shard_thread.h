// One capture thread per shard: it polls that shard's socket on every interface (plus an
// eventfd for stop and for sockets handed over after an interface came back), walks the
// TPACKET_V3 blocks the kernel has retired and copies each packet into the shard ring.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "capture_config.h"
#include "packet_socket.h"
#include "ring_writer.h"

namespace flowmatrix {

class ShardThread;

// Told when a socket of interface `iface` failed (interface down or gone).
class SocketErrorSink {
 public:
  virtual ~SocketErrorSink() = default;
  virtual void OnSocketError(int iface, int generation, int err) = 0;
};

class ShardThread {
 public:
  ShardThread(int shard, void* ring_base, const CaptureConfig& config, size_t interface_count,
              PublishListener* listener, SocketErrorSink* errors);
  ~ShardThread();
  ShardThread(const ShardThread&) = delete;
  ShardThread& operator=(const ShardThread&) = delete;

  // Before Start(): the socket of interface `iface` (generation 0).
  void Adopt(size_t iface, PacketSocket&& socket);
  void Start();
  // Asks the thread to finish: it stops taking packets (drop-all filter), walks what the
  // kernel still retires within a short bound, publishes, closes its sockets and exits.
  void RequestStop();
  void Join();

  // From the interface monitor: a new socket for `iface` of a newer generation (replacing any
  // older one), or, with a closed socket, "close yours if it is of `generation` or older"
  // for an interface that went down.
  void Offer(size_t iface, int generation, PacketSocket&& socket);

  const SlotCounters& counters(size_t iface) const { return *slots_[iface]->counters; }

 private:
  struct Slot {
    size_t index = 0;  // interface index in the session's list
    PacketSocket socket;
    int generation = -1;
    std::unique_ptr<SlotCounters> counters{new SlotCounters()};
    // Thread-local sums, stored into `counters` after each block.
    uint64_t copied = 0, bytes = 0, ring_drops = 0, blocks = 0;
    SocketStats kernel;
  };
  struct Offered {
    size_t iface;
    int generation;
    PacketSocket socket;
  };

  void Run();
  bool WalkReady(Slot& slot);
  void WalkBlock(Slot& slot, tpacket_block_desc* block);
  void Publish();
  void SyncCounters(Slot& slot);
  void ReadKernelStats(Slot& slot);
  void CloseSlot(Slot& slot, bool walk_first);
  void TakeOffers();
  void Housekeeping(uint64_t now_ns);
  void StopSockets();

  const int shard_;
  const uint32_t snaplen_;
  const uint32_t retire_ms_;
  RingWriter ring_;
  PublishListener* const listener_;
  SocketErrorSink* const errors_;
  std::vector<std::unique_ptr<Slot>> slots_;
  int wake_fd_ = -1;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  bool pollset_dirty_ = true;

  std::mutex offers_mutex_;
  std::vector<Offered> offers_;

  // Newest packet time written (ns since the epoch); the ring clock never goes back.
  uint64_t newest_ns_ = 0;
  uint64_t clock_ns_ = 0;
  uint32_t unflushed_drops_ = 0;
};

// CLOCK_REALTIME in ns (the clock the kernel stamps packets with).
uint64_t RealtimeNs();

}  // namespace flowmatrix
