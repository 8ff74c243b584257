#include "capture_session.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cstring>

#include "capture_error.h"

namespace flowmatrix {

CaptureSession::CaptureSession(CaptureConfig config, std::vector<void*> rings, PublishListener* listener)
    : config_(std::move(config)), rings_(std::move(rings)), listener_(listener) {
  for (const std::string& name : config_.interfaces) {
    IfaceState st;
    st.status.name = name;
    ifaces_.push_back(st);
  }
}

CaptureSession::~CaptureSession() {
  Stop();
  if (monitor_fd_ >= 0) close(monitor_fd_);
}


InterfaceInfo CaptureSession::Resolve(const std::string& name) const {
  InterfaceInfo info;
  if (!LookupInterface(name, &info)) {
    throw CaptureError("BAD_ARGUMENT",
                       "no interface named " + name + " (interfaces here: " + InterfaceNames() + ")");
  }
  if (info.link_type < 0) {
    throw CaptureError("BAD_ARGUMENT", "interface " + name + " has a hardware type (ARPHRD " +
                                           std::to_string(info.arphrd) +
                                           ") that live capture does not support");
  }
  if (!info.up) throw CaptureError("BAD_ARGUMENT", "interface " + name + " is down");
  return info;
}

std::vector<BpfInsn> CaptureSession::FilterFor(int link_type) const {
  if (config_.bpf.empty()) return AcceptAllBpf(config_.snaplen);
  return CompileBpf(config_.bpf, link_type, static_cast<int>(config_.snaplen), config_.libpcap);
}

std::vector<PacketSocket> CaptureSession::OpenInterface(const InterfaceInfo& info) const {
  // Compile first: a bad expression fails before any socket exists.
  const std::vector<BpfInsn> filter = FilterFor(info.link_type);
  std::vector<PacketSocket> sockets(rings_.size());
  // Sockets join in shard order, so fanout member k is shard k's socket on every interface:
  // the symmetric address-pair hash then sends a flow seen on two interfaces to one shard.
  // One shard needs no fanout group, and none is made: a group costs its demultiplexing on the
  // CPU that receives every packet, for nothing to choose (bench:live delivered ~560k/s with one
  // worker and no group, ~410-480k/s with two workers in a group of either mode). Only `defrag`
  // (reassembly, done by the fanout code) needs a group of one.
  const bool fanout = sockets.size() > 1 || config_.defrag;
  int group = -1;
  for (PacketSocket& s : sockets) {
    s.Open(info, config_.socket);
    if (fanout) group = s.JoinFanout(group, config_.defrag, config_.fanout_hash);
  }
  // Until now every socket dropped everything (packets hashed while the group was filling up
  // would have gone to other members than later); from here on each takes its share.
  for (PacketSocket& s : sockets) s.SetFilter(filter);
  return sockets;
}

void CaptureSession::Start() {
  if (started_) throw CaptureError("INTERNAL", "a live capture starts only once");
  started_ = true;
  std::vector<InterfaceInfo> infos;
  for (const std::string& name : config_.interfaces) infos.push_back(Resolve(name));

  std::vector<std::vector<PacketSocket>> sockets;
  for (const InterfaceInfo& info : infos) sockets.push_back(OpenInterface(info));

  monitor_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (monitor_fd_ < 0) throw CaptureError("INTERNAL", ErrnoMessage("cannot create an eventfd", errno));
  std::vector<std::unique_ptr<ShardThread>> shards;
  for (size_t k = 0; k < rings_.size(); k++) {
    shards.emplace_back(new ShardThread(static_cast<int>(k), rings_[k], config_, infos.size(), listener_, this));
    for (size_t i = 0; i < infos.size(); i++) shards[k]->Adopt(i, static_cast<PacketSocket&&>(sockets[i][k]));
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (size_t i = 0; i < infos.size(); i++) {
      ifaces_[i].status.if_index = infos[i].index;
      ifaces_[i].status.link_type = infos[i].link_type;
      ifaces_[i].status.up = true;
    }
  }
  shards_ = std::move(shards);
  try {
    for (auto& s : shards_) s->Start();
    monitor_ = std::thread([this] { MonitorLoop(); });
  } catch (const std::exception& e) {
    running_ = true;
    Stop();
    throw CaptureError("INTERNAL", std::string("cannot start the capture threads: ") + e.what());
  }
  running_ = true;
}

void CaptureSession::Stop() {
  if (!running_) return;
  running_ = false;
  monitor_stop_.store(true, std::memory_order_release);
  WakeMonitor();
  if (monitor_.joinable()) monitor_.join();
  // All at once: each thread drains and closes its sockets in parallel with the others.
  for (auto& s : shards_) s->RequestStop();
  for (auto& s : shards_) s->Join();
  if (monitor_fd_ >= 0) close(monitor_fd_);
  monitor_fd_ = -1;
}

std::vector<InterfaceStatus> CaptureSession::Interfaces() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<InterfaceStatus> out;
  for (const IfaceState& st : ifaces_) out.push_back(st.status);
  return out;
}

const SlotCounters* CaptureSession::Counters(size_t iface, size_t shard) const {
  if (shard >= shards_.size() || iface >= ifaces_.size()) return nullptr;
  return &shards_[shard]->counters(iface);
}

void CaptureSession::OnSocketError(int iface, int generation, int err) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    IfaceState& st = ifaces_[static_cast<size_t>(iface)];
    if (generation != st.generation || !st.status.up) return;
    st.status.up = false;
    st.status.down_events++;
    st.status.last_error = ErrnoMessage("capture socket failed", err);
    st.retire_pending = true;
  }
  WakeMonitor();
}

void CaptureSession::WakeMonitor() {
  uint64_t one = 1;
  if (monitor_fd_ >= 0) (void)!write(monitor_fd_, &one, sizeof one);
}

void CaptureSession::MonitorLoop() {
  pthread_setname_np(pthread_self(), "fm-capture-mon");
  while (!monitor_stop_.load(std::memory_order_acquire)) {
    bool any_down = false;
    std::vector<std::pair<size_t, int>> retire;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      for (size_t i = 0; i < ifaces_.size(); i++) {
        IfaceState& st = ifaces_[i];
        if (st.retire_pending) {
          retire.emplace_back(i, st.generation);
          st.retire_pending = false;
        }
        if (!st.status.up) any_down = true;
      }
    }
    // One shard saw the failure; the others may not have polled yet. Tell them all to close
    // their socket of that generation, so the old group is gone before a new one is made.
    for (auto& r : retire) {
      for (auto& s : shards_) s->Offer(r.first, r.second, PacketSocket());
    }
    if (any_down) {
      for (size_t i = 0; i < ifaces_.size(); i++) TryRebuild(i);
    }
    pollfd pfd{monitor_fd_, POLLIN, 0};
    int timeout = any_down ? static_cast<int>(config_.rebind_ms) : -1;
    if (poll(&pfd, 1, timeout) > 0) {
      uint64_t v;
      (void)!read(monitor_fd_, &v, sizeof v);
    }
  }
}

void CaptureSession::TryRebuild(size_t i) {
  std::string name;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (ifaces_[i].status.up) return;
    name = ifaces_[i].status.name;
  }
  // Every shard must have closed its old socket first (see MonitorLoop).
  for (auto& s : shards_) {
    if (s->counters(i).generation.load(std::memory_order_relaxed) >= 0) return;
  }
  std::vector<PacketSocket> sockets;
  InterfaceInfo info;
  try {
    info = Resolve(name);
    sockets = OpenInterface(info);
  } catch (const CaptureError& e) {
    std::lock_guard<std::mutex> lock(mutex_);
    ifaces_[i].status.last_error = e.what();
    return;
  }
  int generation;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    IfaceState& st = ifaces_[i];
    generation = ++st.generation;
    st.status.up = true;
    st.status.rebinds++;
    st.status.if_index = info.index;
    st.status.link_type = info.link_type;
  }
  for (size_t k = 0; k < shards_.size(); k++) {
    shards_[k]->Offer(i, generation, static_cast<PacketSocket&&>(sockets[k]));
  }
}

}  // namespace flowmatrix
