#include "shard_thread.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <string>
#include <system_error>

#include "capture_error.h"

namespace flowmatrix {
namespace {

// Records between two publishes inside a block (a block can hold thousands of packets).
constexpr uint32_t kPublishEvery = 64;
// Kernel counters and the idle clock are refreshed this often.
constexpr uint64_t kHousekeepingNs = 100'000'000;
// Longest a stopping thread waits for the kernel to retire the blocks it was filling.
constexpr uint64_t kStopDrainMaxNs = 60'000'000;

uint64_t MonotonicNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000u + static_cast<uint64_t>(ts.tv_nsec);
}

uint32_t BlockStatus(tpacket_block_desc* b) {
  return __atomic_load_n(&b->hdr.bh1.block_status, __ATOMIC_ACQUIRE);
}

}  // namespace

uint64_t RealtimeNs() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000u + static_cast<uint64_t>(ts.tv_nsec);
}

ShardThread::ShardThread(int shard, void* ring_base, const CaptureConfig& config, size_t interface_count,
                         PublishListener* listener, SocketErrorSink* errors)
    : shard_(shard),
      snaplen_(config.snaplen),
      retire_ms_(config.socket.retire_ms),
      ring_(ring_base),
      listener_(listener),
      errors_(errors) {
  for (size_t i = 0; i < interface_count; i++) {
    slots_.emplace_back(new Slot());
    slots_.back()->index = i;
  }
  wake_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wake_fd_ < 0) throw CaptureError("INTERNAL", ErrnoMessage("cannot create an eventfd", errno));
}

ShardThread::~ShardThread() {
  RequestStop();
  Join();
}

void ShardThread::Adopt(size_t iface, PacketSocket&& socket) {
  Slot& s = *slots_[iface];
  s.socket = static_cast<PacketSocket&&>(socket);
  s.generation = 0;
  s.counters->generation.store(0, std::memory_order_relaxed);
}

void ShardThread::Start() { thread_ = std::thread([this] { Run(); }); }

void ShardThread::RequestStop() {
  stop_.store(true, std::memory_order_release);
  uint64_t one = 1;
  if (wake_fd_ >= 0) (void)!write(wake_fd_, &one, sizeof one);
}

void ShardThread::Join() {
  if (thread_.joinable()) thread_.join();
  // A stopped session keeps only memory (its counters) until the JS object is collected.
  if (wake_fd_ >= 0 && stop_.load(std::memory_order_acquire)) {
    close(wake_fd_);
    wake_fd_ = -1;
  }
}

void ShardThread::Offer(size_t iface, int generation, PacketSocket&& socket) {
  {
    std::lock_guard<std::mutex> lock(offers_mutex_);
    offers_.push_back(Offered{iface, generation, static_cast<PacketSocket&&>(socket)});
  }
  uint64_t one = 1;
  if (wake_fd_ >= 0) (void)!write(wake_fd_, &one, sizeof one);
}

void ShardThread::Run() {
  std::string name = "fm-capture-" + std::to_string(shard_);
  pthread_setname_np(pthread_self(), name.substr(0, 15).c_str());

  std::vector<pollfd> fds;
  std::vector<Slot*> polled;  // fds[i + 1] belongs to polled[i]
  uint64_t next_housekeeping = MonotonicNs() + kHousekeepingNs;
  while (!stop_.load(std::memory_order_acquire)) {
    for (auto& s : slots_) {
      if (s->socket.is_open()) WalkReady(*s);
    }
    if (pollset_dirty_) {
      fds.clear();
      polled.clear();
      fds.push_back(pollfd{wake_fd_, POLLIN, 0});
      for (auto& s : slots_) {
        if (!s->socket.is_open()) continue;
        fds.push_back(pollfd{s->socket.fd(), POLLIN | POLLRDNORM | POLLERR, 0});
        polled.push_back(s.get());
      }
      pollset_dirty_ = false;
    }
    uint64_t now = MonotonicNs();
    int timeout_ms = now >= next_housekeeping ? 0 : static_cast<int>((next_housekeeping - now) / 1'000'000) + 1;
    int n = poll(fds.data(), fds.size(), timeout_ms);
    if (n > 0) {
      // Socket errors first: the offers below may close sockets and reuse their fd numbers.
      for (size_t i = 1; i < fds.size(); i++) {
        if (fds[i].revents & (POLLERR | POLLHUP | POLLNVAL)) {
          Slot& s = *polled[i - 1];
          if (!s.socket.is_open() || s.socket.fd() != fds[i].fd) continue;
          // The interface went down or disappeared: the kernel set ENETDOWN on the socket
          // (and unhooked it from the fanout group). Keep what was retired, close, report;
          // the interface monitor opens a new set of sockets when it comes back.
          int err = s.socket.TakeError();
          s.counters->errors.fetch_add(1, std::memory_order_relaxed);
          int gen = s.generation;
          CloseSlot(s, true);
          errors_->OnSocketError(static_cast<int>(s.index), gen, err == 0 ? ENETDOWN : err);
        }
      }
      if (fds[0].revents & POLLIN) {
        uint64_t v;
        (void)!read(wake_fd_, &v, sizeof v);
        TakeOffers();
      }
    }
    now = MonotonicNs();
    if (now >= next_housekeeping) {
      Housekeeping(now);
      next_housekeeping = now + kHousekeepingNs;
    }
  }
  StopSockets();
}

bool ShardThread::WalkReady(Slot& slot) {
  bool any = false;
  PacketSocket& sock = slot.socket;
  for (;;) {
    tpacket_block_desc* b = sock.block(sock.next_block);
    // TPACKET_V3 block ownership: the kernel sets TP_STATUS_USER when it retires a block (full,
    // or retire timeout); it is ours until we store TP_STATUS_KERNEL. Blocks are handed out
    // strictly in ring order, so the walk stops at the first block the kernel still owns.
    if ((BlockStatus(b) & TP_STATUS_USER) == 0) break;
    WalkBlock(slot, b);
    __atomic_store_n(&b->hdr.bh1.block_status, static_cast<uint32_t>(TP_STATUS_KERNEL), __ATOMIC_RELEASE);
    sock.next_block = (sock.next_block + 1) % sock.block_count();
    slot.blocks++;
    any = true;
    Publish();
    SyncCounters(slot);
  }
  return any;
}

void ShardThread::WalkBlock(Slot& slot, tpacket_block_desc* block) {
  const uint32_t count = block->hdr.bh1.num_pkts;
  const uint16_t link_type = static_cast<uint16_t>(slot.socket.link_type());
  uint8_t* p = reinterpret_cast<uint8_t*>(block) + block->hdr.bh1.offset_to_first_pkt;
  for (uint32_t i = 0; i < count; i++) {
    const tpacket3_hdr* h = reinterpret_cast<const tpacket3_hdr*>(p);
    const sockaddr_ll* sll = reinterpret_cast<const sockaddr_ll*>(p + TPACKET_ALIGN(sizeof(tpacket3_hdr)));
    const uint32_t cap = std::min(h->tp_snaplen, snaplen_);
    // The kernel strips the outer 802.1Q/802.1ad tag (hardware or skb_vlan_untag) and hands it
    // over here: carry it as metadata, the frame itself arrives untagged.
    const bool vlan = (h->tp_status & TP_STATUS_VLAN_VALID) != 0;
    const uint16_t tci = vlan ? static_cast<uint16_t>(h->hv1.tp_vlan_tci) : 0;
    const uint8_t flags = vlan ? ring::kFlagVlanValid : 0;
    if (ring_.TryWrite(p + h->tp_mac, cap, h->tp_len, h->tp_sec, h->tp_nsec, link_type, tci,
                       static_cast<uint16_t>(sll->sll_ifindex), flags, sll->sll_pkttype)) {
      slot.copied++;
      slot.bytes += h->tp_len;
    } else {
      slot.ring_drops++;
      unflushed_drops_++;
    }
    const uint64_t ts = uint64_t{h->tp_sec} * 1'000'000'000u + h->tp_nsec;
    if (ts > newest_ns_) newest_ns_ = ts;
    if (ring_.pending() >= kPublishEvery) Publish();
    p += h->tp_next_offset;
  }
}

void ShardThread::Publish() {
  ring_.AddDrops(unflushed_drops_);
  unflushed_drops_ = 0;
  const bool published = ring_.Publish();
  // The clock goes after writePos: the consumer relies on that order (ShardProcessor.drain).
  if (newest_ns_ > clock_ns_) {
    clock_ns_ = newest_ns_;
    ring_.SetClock(clock_ns_ / 1'000'000'000u, static_cast<uint32_t>(clock_ns_ % 1'000'000'000u));
  }
  if (published) listener_->OnPublish(shard_);
}

void ShardThread::SyncCounters(Slot& s) {
  SlotCounters& c = *s.counters;
  c.copied.store(s.copied, std::memory_order_relaxed);
  c.bytes.store(s.bytes, std::memory_order_relaxed);
  c.ring_drops.store(s.ring_drops, std::memory_order_relaxed);
  c.blocks.store(s.blocks, std::memory_order_relaxed);
}

void ShardThread::ReadKernelStats(Slot& s) {
  s.socket.ReadStats(&s.kernel);
  SlotCounters& c = *s.counters;
  c.packets.store(s.kernel.packets, std::memory_order_relaxed);
  c.drops.store(s.kernel.drops, std::memory_order_relaxed);
  c.freezes.store(s.kernel.freezes, std::memory_order_relaxed);
}

void ShardThread::CloseSlot(Slot& s, bool walk_first) {
  if (!s.socket.is_open()) return;
  if (walk_first) WalkReady(s);
  Publish();
  SyncCounters(s);
  ReadKernelStats(s);
  s.socket.Close();
  s.generation = -1;
  s.counters->generation.store(-1, std::memory_order_relaxed);
  pollset_dirty_ = true;
}

void ShardThread::TakeOffers() {
  std::vector<Offered> offers;
  {
    std::lock_guard<std::mutex> lock(offers_mutex_);
    offers.swap(offers_);
  }
  for (Offered& o : offers) {
    Slot& s = *slots_[o.iface];
    if (!o.socket.is_open()) {
      // "Close yours": the interface went down (another shard saw it first).
      if (s.socket.is_open() && s.generation <= o.generation) CloseSlot(s, true);
      continue;
    }
    if (s.socket.is_open() && s.generation >= o.generation) continue;  // stale offer
    // An older socket still open belongs to the old fanout group: walk what it retired, close.
    CloseSlot(s, true);
    s.socket = static_cast<PacketSocket&&>(o.socket);
    s.generation = o.generation;
    s.counters->generation.store(o.generation, std::memory_order_relaxed);
    pollset_dirty_ = true;
  }
}

void ShardThread::Housekeeping(uint64_t /*now_mono*/) {
  for (auto& s : slots_) {
    if (s->socket.is_open()) ReadKernelStats(*s);
  }
  // Live time moves on without packets: idle flows must still age. The idle clock lags wall
  // time by more than a block can wait in the kernel (2 x retire timeout), so a packet written
  // later is (almost) never older than the clock already shown.
  const uint64_t lag = (2 * uint64_t{retire_ms_} + 100) * 1'000'000u;
  const uint64_t now = RealtimeNs();
  if (now > lag && now - lag > newest_ns_) newest_ns_ = now - lag;
  Publish();
}

void ShardThread::StopSockets() {
  // 1. Take no new packets. 2. Walk what the kernel retires from the blocks it was filling
  // (it retires a non-empty block within ~2 retire timeouts). 3. Read the counters, close.
  // So every packet the kernel counted is either copied, dropped by the ring or counted as a
  // kernel drop.
  for (auto& s : slots_) {
    if (!s->socket.is_open()) continue;
    try {
      s->socket.SetFilter(DropAllBpf());
    } catch (const CaptureError&) {
      // Closing anyway.
    }
  }
  const uint64_t bound = std::min<uint64_t>(kStopDrainMaxNs, (2 * uint64_t{retire_ms_} + 5) * 1'000'000u);
  const uint64_t deadline = MonotonicNs() + bound;
  for (;;) {
    bool waiting = false;
    for (auto& s : slots_) {
      if (!s->socket.is_open()) continue;
      WalkReady(*s);
      tpacket_block_desc* b = s->socket.block(s->socket.next_block);
      if ((BlockStatus(b) & TP_STATUS_USER) == 0 && __atomic_load_n(&b->hdr.bh1.num_pkts, __ATOMIC_RELAXED) != 0) {
        waiting = true;
      }
    }
    if (!waiting || MonotonicNs() >= deadline) break;
    usleep(1000);
  }
  // Final walk and counters per slot, then the closes in parallel: each close waits for RCU
  // grace periods (packet_release, ring teardown) and unmaps the ring, ~20 ms per socket here.
  std::vector<PacketSocket> closing;
  for (auto& s : slots_) {
    if (!s->socket.is_open()) continue;
    WalkReady(*s);
    Publish();
    SyncCounters(*s);
    ReadKernelStats(*s);
    closing.push_back(static_cast<PacketSocket&&>(s->socket));
    s->generation = -1;
    s->counters->generation.store(-1, std::memory_order_relaxed);
  }
  Publish();
  std::vector<std::thread> closers;
  for (size_t i = 1; i < closing.size(); i++) {
    try {
      closers.emplace_back([sock = &closing[i]] { sock->Close(); });
    } catch (const std::system_error&) {
      closing[i].Close();
    }
  }
  if (!closing.empty()) closing[0].Close();
  for (std::thread& t : closers) t.join();
}

}  // namespace flowmatrix
