// One AF_PACKET socket with a TPACKET_V3 receive ring, bound to one interface and, when the
// interface has several shards, joined to that interface's fanout group. Owned by one thread
// at a time.
#pragma once

#include <linux/if_packet.h>

#include <cstddef>
#include <cstdint>
#include <vector>

#include "bpf.h"
#include "interfaces.h"

namespace flowmatrix {

struct SocketOptions {
  uint32_t block_size = 1u << 20;  // bytes, a power of two >= the page size
  uint32_t block_count = 64;
  uint32_t retire_ms = 10;         // the kernel hands over a block at most this long after its first packet
  bool promisc = true;
  bool ignore_outgoing = false;    // PACKET_IGNORE_OUTGOING: skip what this host sends
};

// Kernel PACKET_STATISTICS, accumulated (the kernel resets its counters on every read).
struct SocketStats {
  uint64_t packets = 0;  // packets that passed the filter, including `drops` (the kernel adds them)
  uint64_t drops = 0;    // no room in the ring
  uint64_t freezes = 0;  // times the queue froze because every block was owned by user space
};

class PacketSocket {
 public:
  PacketSocket() = default;
  ~PacketSocket() { Close(); }
  PacketSocket(const PacketSocket&) = delete;
  PacketSocket& operator=(const PacketSocket&) = delete;
  PacketSocket(PacketSocket&& o) noexcept { *this = static_cast<PacketSocket&&>(o); }
  PacketSocket& operator=(PacketSocket&& o) noexcept;

  // Creates the socket and its ring with a drop-all filter, then binds it to `iface` (receiving
  // nothing until SetFilter). Throws CaptureError (PERMISSION without CAP_NET_RAW).
  void Open(const InterfaceInfo& iface, const SocketOptions& opts);

  // Joins the interface's fanout group (PACKET_FANOUT_CBPF with FanoutHashBpf: the shard is a
  // hash of the IP address pair); `group` < 0 creates a new group with a kernel-chosen id
  // (PACKET_FANOUT_FLAG_UNIQUEID: unique among all processes) and attaches the program.
  // `kernel_hash`: PACKET_FANOUT_HASH instead (no program). `defrag`: PACKET_FANOUT_FLAG_DEFRAG.
  // Returns the group id.
  int JoinFanout(int group, bool defrag, bool kernel_hash);

  // Replaces the socket filter (SO_ATTACH_FILTER swaps atomically).
  void SetFilter(const std::vector<BpfInsn>& program);

  // Adds the kernel counters since the last read to `acc`.
  void ReadStats(SocketStats* acc);

  // SO_ERROR (clears it); 0 when none.
  int TakeError();

  void Close();

  bool is_open() const { return fd_ >= 0; }
  int fd() const { return fd_; }
  int if_index() const { return if_index_; }
  int link_type() const { return link_type_; }
  uint32_t block_count() const { return block_count_; }
  tpacket_block_desc* block(uint32_t i) const {
    return reinterpret_cast<tpacket_block_desc*>(map_ + static_cast<size_t>(i) * block_size_);
  }

  // Index of the next block to hand back in ring order (the walker's cursor).
  uint32_t next_block = 0;

 private:
  int ReadFanoutGroup();

  int fd_ = -1;
  uint8_t* map_ = nullptr;
  size_t map_len_ = 0;
  uint32_t block_size_ = 0;
  uint32_t block_count_ = 0;
  int if_index_ = 0;
  int link_type_ = -1;
};

}  // namespace flowmatrix
