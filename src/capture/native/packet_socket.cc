#include "packet_socket.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <string>

#include "capture_error.h"

namespace flowmatrix {
namespace {

constexpr uint32_t kFrameSize = 2048;  // only the frame count check uses it with TPACKET_V3

const char kPermissionMessage[] =
    "live capture needs CAP_NET_RAW: run as root or grant cap_net_raw,cap_net_admin: "
    "sudo setcap cap_net_raw,cap_net_admin=eip $(readlink -f $(which node))";

[[noreturn]] void Fail(const char* code, const std::string& what, int err) {
  throw CaptureError(code, ErrnoMessage(what, err));
}

}  // namespace

std::string ErrnoMessage(const std::string& what, int err) {
  char buf[256];
  // GNU strerror_r returns the message (maybe not in buf).
  const char* msg = strerror_r(err, buf, sizeof buf);
  return what + ": " + msg;
}

PacketSocket& PacketSocket::operator=(PacketSocket&& o) noexcept {
  if (this != &o) {
    Close();
    fd_ = o.fd_;
    map_ = o.map_;
    map_len_ = o.map_len_;
    block_size_ = o.block_size_;
    block_count_ = o.block_count_;
    if_index_ = o.if_index_;
    link_type_ = o.link_type_;
    next_block = o.next_block;
    o.fd_ = -1;
    o.map_ = nullptr;
    o.map_len_ = 0;
  }
  return *this;
}

void PacketSocket::Open(const InterfaceInfo& iface, const SocketOptions& opts) {
  Close();
  // Protocol 0: the socket receives nothing before bind(), so nothing unfiltered can arrive.
  fd_ = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
  if (fd_ < 0) {
    int err = errno;
    if (err == EPERM || err == EACCES) throw CaptureError("PERMISSION", kPermissionMessage);
    if (err == EAFNOSUPPORT) {
      throw CaptureError("UNSUPPORTED_PLATFORM", "live capture is not supported on this platform (no AF_PACKET)");
    }
    Fail("INTERNAL", "cannot open an AF_PACKET socket", err);
  }
  if_index_ = iface.index;
  link_type_ = iface.link_type;
  const std::string on = " on " + iface.name;

  int version = TPACKET_V3;
  if (setsockopt(fd_, SOL_PACKET, PACKET_VERSION, &version, sizeof version) != 0) {
    int err = errno;
    Close();
    Fail("UNSUPPORTED_PLATFORM", "this kernel has no TPACKET_V3", err);
  }

  // Drop everything until the socket is fully set up (see DropAllBpf).
  SetFilter(DropAllBpf());

  tpacket_req3 req;
  std::memset(&req, 0, sizeof req);
  req.tp_block_size = opts.block_size;
  req.tp_block_nr = opts.block_count;
  req.tp_frame_size = kFrameSize;
  req.tp_frame_nr = (opts.block_size / kFrameSize) * opts.block_count;
  req.tp_retire_blk_tov = opts.retire_ms;
  req.tp_sizeof_priv = 0;
  req.tp_feature_req_word = 0;
  if (setsockopt(fd_, SOL_PACKET, PACKET_RX_RING, &req, sizeof req) != 0) {
    int err = errno;
    Close();
    const std::string size = std::to_string(opts.block_count) + " blocks of " +
                             std::to_string(opts.block_size) + " bytes";
    if (err == ENOMEM) Fail("INTERNAL", "cannot allocate the capture ring (" + size + ")" + on, err);
    Fail("BAD_ARGUMENT", "the kernel refused a capture ring of " + size + on, err);
  }
  block_size_ = opts.block_size;
  block_count_ = opts.block_count;
  map_len_ = static_cast<size_t>(opts.block_size) * opts.block_count;
  void* map = mmap(nullptr, map_len_, PROT_READ | PROT_WRITE, MAP_SHARED, fd_, 0);
  if (map == MAP_FAILED) {
    int err = errno;
    map_len_ = 0;
    Close();
    Fail("INTERNAL", "cannot map the capture ring" + on, err);
  }
  map_ = static_cast<uint8_t*>(map);
  next_block = 0;

  if (opts.ignore_outgoing) {
    int one = 1;
    if (setsockopt(fd_, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one) != 0) {
      int err = errno;
      Close();
      Fail("UNSUPPORTED_PLATFORM", "this kernel cannot ignore outgoing packets (PACKET_IGNORE_OUTGOING)", err);
    }
  }

  if (opts.promisc) {
    // A membership, not IFF_PROMISC: the kernel counts it per socket and drops it when the
    // socket closes, so a crash never leaves the interface promiscuous.
    packet_mreq mreq;
    std::memset(&mreq, 0, sizeof mreq);
    mreq.mr_ifindex = iface.index;
    mreq.mr_type = PACKET_MR_PROMISC;
    if (setsockopt(fd_, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mreq, sizeof mreq) != 0) {
      int err = errno;
      Close();
      Fail("INTERNAL", "cannot set promiscuous mode" + on, err);
    }
  }

  sockaddr_ll sll;
  std::memset(&sll, 0, sizeof sll);
  sll.sll_family = AF_PACKET;
  sll.sll_protocol = htons(ETH_P_ALL);
  sll.sll_ifindex = iface.index;
  if (bind(fd_, reinterpret_cast<sockaddr*>(&sll), sizeof sll) != 0) {
    int err = errno;
    Close();
    if (err == ENODEV || err == ENXIO) Fail("BAD_ARGUMENT", "interface " + iface.name + " disappeared", err);
    Fail("INTERNAL", "cannot bind to " + iface.name, err);
  }
  // Binding to an interface that is down succeeds but leaves ENETDOWN pending.
  int err = TakeError();
  if (err != 0) {
    Close();
    if (err == ENETDOWN) throw CaptureError("BAD_ARGUMENT", "interface " + iface.name + " is down");
    Fail("INTERNAL", "cannot bind to " + iface.name, err);
  }
}

int PacketSocket::JoinFanout(int group, bool defrag, bool kernel_hash) {
  // PACKET_FANOUT_CBPF: the group's classic BPF program (FanoutHashBpf, JIT-compiled) hashes
  // the IP address pair, and the kernel takes it modulo the group size: every fragment of a
  // datagram stays with its flow without reassembly, as the file path's shardHash does
  // (PACKET_FANOUT_HASH dissects the 5-tuple, so it needs DEFRAG for that). The two modes
  // measured alike in bench:live (bench/README.md).
  // `kernel_hash` (--fanout hash) asks for PACKET_FANOUT_HASH instead: the kernel's symmetric
  // 5-tuple hash (flow dissector), which splits the fragments of a datagram unless DEFRAG.
  // DEFRAG (opt-in): the kernel reassembles IPv4 fragments before the hash or program runs,
  // and the socket receives the reassembled datagram instead of the fragments.
  uint32_t flags = defrag ? PACKET_FANOUT_FLAG_DEFRAG : 0;
  uint32_t id = 0;
  if (group < 0) {
    flags |= PACKET_FANOUT_FLAG_UNIQUEID;
  } else {
    id = static_cast<uint32_t>(group) & 0xffff;
  }
  const uint32_t mode = kernel_hash ? PACKET_FANOUT_HASH : PACKET_FANOUT_CBPF;
  uint32_t val = id | ((mode | flags) << 16);
  if (setsockopt(fd_, SOL_PACKET, PACKET_FANOUT, &val, sizeof val) != 0) {
    Fail("INTERNAL", "cannot join the fanout group", errno);
  }
  if (group >= 0) return group;
  if (kernel_hash) return ReadFanoutGroup();
  // One program per group, attached through its first member (until then the group sends
  // everything to member 0, and every member still drops all: see OpenInterface).
  const std::vector<BpfInsn> program = FanoutHashBpf();
  sock_fprog prog;
  prog.len = static_cast<unsigned short>(program.size());
  prog.filter = reinterpret_cast<sock_filter*>(const_cast<BpfInsn*>(program.data()));
  if (setsockopt(fd_, SOL_PACKET, PACKET_FANOUT_DATA, &prog, sizeof prog) != 0) {
    Fail("INTERNAL", "cannot attach the fanout program (PACKET_FANOUT_DATA)", errno);
  }
  return ReadFanoutGroup();
}

int PacketSocket::ReadFanoutGroup() {
  uint32_t got = 0;
  socklen_t len = sizeof got;
  if (getsockopt(fd_, SOL_PACKET, PACKET_FANOUT, &got, &len) != 0) {
    Fail("INTERNAL", "cannot read the fanout group id", errno);
  }
  return static_cast<int>(got & 0xffff);
}

void PacketSocket::SetFilter(const std::vector<BpfInsn>& program) {
  static_assert(sizeof(BpfInsn) == sizeof(sock_filter), "BpfInsn must match struct sock_filter");
  sock_fprog prog;
  prog.len = static_cast<unsigned short>(program.size());
  prog.filter = reinterpret_cast<sock_filter*>(const_cast<BpfInsn*>(program.data()));
  if (setsockopt(fd_, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog) != 0) {
    Fail("INTERNAL", "cannot attach the BPF filter", errno);
  }
}

void PacketSocket::ReadStats(SocketStats* acc) {
  if (fd_ < 0) return;
  tpacket_stats_v3 st;
  std::memset(&st, 0, sizeof st);
  socklen_t len = sizeof st;
  if (getsockopt(fd_, SOL_PACKET, PACKET_STATISTICS, &st, &len) != 0) return;
  // The kernel zeroes its counters on every read: keep the sum here.
  acc->packets += st.tp_packets;
  acc->drops += st.tp_drops;
  acc->freezes += st.tp_freeze_q_cnt;
}

int PacketSocket::TakeError() {
  int err = 0;
  socklen_t len = sizeof err;
  if (fd_ < 0 || getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len) != 0) return 0;
  return err;
}

void PacketSocket::Close() {
  if (map_ != nullptr) munmap(map_, map_len_);
  map_ = nullptr;
  map_len_ = 0;
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
}

}  // namespace flowmatrix
