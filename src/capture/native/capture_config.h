// What a capture session is asked to do, and the counters it exposes. Plain data.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "packet_socket.h"

namespace flowmatrix {

struct CaptureConfig {
  std::vector<std::string> interfaces;
  uint32_t snaplen = 512;
  SocketOptions socket;
  std::string bpf;  // empty: no filter
  // PACKET_FANOUT_FLAG_DEFRAG: the kernel reassembles IPv4 fragments (the sockets receive
  // datagrams, not fragments). Off by default: the workers handle fragments, as in files.
  bool defrag = false;
  // How the sockets of an interface are spread over the shards: false, PACKET_FANOUT_CBPF with
  // the address-pair program (FanoutHashBpf); true, PACKET_FANOUT_HASH (the kernel's flow hash).
  bool fanout_hash = false;
  // How often a down interface is checked for coming back.
  uint32_t rebind_ms = 1000;
  // libpcap sonames to try (tests); empty for the defaults.
  std::vector<std::string> libpcap;
};

// Counters of one (interface, shard) socket slot. Written by the shard's thread only (relaxed
// stores of thread-local sums), read by stats() from any thread. They survive socket
// re-creation after an interface comes back.
struct SlotCounters {
  std::atomic<uint64_t> packets{0};   // kernel: passed the filter (including kernel drops)
  std::atomic<uint64_t> drops{0};     // kernel: no room in the TPACKET ring
  std::atomic<uint64_t> freezes{0};   // kernel: queue frozen, every block owned by user space
  std::atomic<uint64_t> copied{0};    // written into the shard ring
  std::atomic<uint64_t> bytes{0};     // wire bytes of the copied packets
  std::atomic<uint64_t> ring_drops{0};  // shard ring full (also in the ring's dropsFull slot)
  std::atomic<uint64_t> blocks{0};    // TPACKET_V3 blocks walked
  std::atomic<uint64_t> errors{0};    // socket errors seen (interface down or gone)
  // Generation of the open socket, -1 when closed.
  std::atomic<int> generation{-1};
};

// A publish happened on a shard ring: the binding wakes the ring's JS waiters (see notifier.h).
class PublishListener {
 public:
  virtual ~PublishListener() = default;
  virtual void OnPublish(int shard) = 0;
};

}  // namespace flowmatrix
