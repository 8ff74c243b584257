#include "bpf.h"

#include <dlfcn.h>
#include <linux/filter.h>

#include <mutex>

#include "capture_error.h"

namespace flowmatrix {
namespace {

// The few libpcap declarations needed (pcap/pcap.h, pcap/bpf.h), declared here so the build
// needs no libpcap headers. These are stable parts of libpcap's ABI (soname libpcap.so.0.8 on
// Debian, libpcap.so.1 elsewhere).
struct pcap;
struct PcapBpfProgram {
  unsigned int bf_len;
  BpfInsn* bf_insns;
};
using PcapOpenDeadFn = pcap* (*)(int linktype, int snaplen);
using PcapCompileFn = int (*)(pcap*, PcapBpfProgram*, const char*, int optimize, uint32_t netmask);
using PcapFreecodeFn = void (*)(PcapBpfProgram*);
using PcapGeterrFn = char* (*)(pcap*);
using PcapCloseFn = void (*)(pcap*);
constexpr uint32_t kPcapNetmaskUnknown = 0xffffffffu;
constexpr int kLinkTypeRaw = 101;
constexpr int kDltRaw = 12;  // DLT_RAW on Linux

// pcap_open_dead takes a DLT_* value. LINKTYPE_* and DLT_* agree except for a few old types;
// the one live capture uses that differs is raw IP (LINKTYPE_RAW 101 = DLT_RAW 12 on Linux).
int DltForLinkType(int link_type) { return link_type == kLinkTypeRaw ? kDltRaw : link_type; }
constexpr uint16_t kBpfRetK = 0x06;  // BPF_RET | BPF_K

struct Libpcap {
  PcapOpenDeadFn open_dead = nullptr;
  PcapCompileFn compile = nullptr;
  PcapFreecodeFn freecode = nullptr;
  PcapGeterrFn geterr = nullptr;
  PcapCloseFn close = nullptr;
};

// pcap_compile was not reentrant in older libpcap releases; one compile at a time per process
// (compiles are rare: once per socket set-up).
std::mutex compile_mutex;

Libpcap LoadLibpcap(const std::vector<std::string>& names) {
  static const std::vector<std::string> kDefault = {"libpcap.so.0.8", "libpcap.so.1", "libpcap.so"};
  const std::vector<std::string>& tried = names.empty() ? kDefault : names;
  std::string list;
  for (const std::string& name : tried) {
    if (!list.empty()) list += ", ";
    list += name;
    // Never closed: the library stays loaded for the life of the process, like any dependency.
    void* lib = dlopen(name.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (lib == nullptr) continue;
    Libpcap p;
    p.open_dead = reinterpret_cast<PcapOpenDeadFn>(dlsym(lib, "pcap_open_dead"));
    p.compile = reinterpret_cast<PcapCompileFn>(dlsym(lib, "pcap_compile"));
    p.freecode = reinterpret_cast<PcapFreecodeFn>(dlsym(lib, "pcap_freecode"));
    p.geterr = reinterpret_cast<PcapGeterrFn>(dlsym(lib, "pcap_geterr"));
    p.close = reinterpret_cast<PcapCloseFn>(dlsym(lib, "pcap_close"));
    if (p.open_dead && p.compile && p.freecode && p.geterr && p.close) return p;
  }
  throw CaptureError("UNSUPPORTED_PLATFORM",
                     "BPF filters need libpcap, which is not installed (tried " + list +
                         "): install the Debian package libpcap0.8 (apt-get install libpcap0.8)");
}

}  // namespace

std::vector<BpfInsn> CompileBpf(const std::string& expression, int link_type, int snaplen,
                                const std::vector<std::string>& libraries) {
  std::lock_guard<std::mutex> lock(compile_mutex);
  const Libpcap lib = LoadLibpcap(libraries);
  pcap* handle = lib.open_dead(DltForLinkType(link_type), snaplen);
  if (handle == nullptr) {
    throw CaptureError("INTERNAL", "libpcap could not open a handle for link type " +
                                       std::to_string(link_type));
  }
  PcapBpfProgram prog{0, nullptr};
  if (lib.compile(handle, &prog, expression.c_str(), 1, kPcapNetmaskUnknown) != 0) {
    std::string why = lib.geterr(handle);
    lib.close(handle);
    throw CaptureError("BAD_ARGUMENT", "bad BPF filter \"" + expression + "\": " + why);
  }
  std::vector<BpfInsn> out(prog.bf_insns, prog.bf_insns + prog.bf_len);
  lib.freecode(&prog);
  lib.close(handle);
  return out;
}

std::vector<BpfInsn> AcceptAllBpf(uint32_t snaplen) { return {{kBpfRetK, 0, 0, snaplen}}; }

std::vector<BpfInsn> DropAllBpf() { return {{kBpfRetK, 0, 0, 0}}; }

std::vector<BpfInsn> FanoutHashBpf() {
  // A tiny assembler: forward jumps to labels, resolved at the end.
  struct Insn {
    BpfInsn insn;
    int jt = -1, jf = -1, ja = -1;  // label targets (-1: none)
  };
  std::vector<Insn> prog;
  std::vector<int> labels;
  auto label = [&]() {
    labels.push_back(-1);
    return static_cast<int>(labels.size() - 1);
  };
  auto here = [&](int l) { labels[l] = static_cast<int>(prog.size()); };
  auto op = [&](uint16_t code, uint32_t k) { prog.push_back(Insn{{code, 0, 0, k}}); };
  auto jeq = [&](uint32_t k, int t, int f) { prog.push_back(Insn{{BPF_JMP | BPF_JEQ | BPF_K, 0, 0, k}, t, f}); };
  auto jmp = [&](int l) { prog.push_back(Insn{{BPF_JMP | BPF_JA, 0, 0, 0}, -1, -1, l}); };
  // Loads relative to the network header (SKF_NET_OFF): right on ingress and on egress alike,
  // and the link layer (and a tag the kernel stripped) does not matter.
  auto net = [](uint32_t off) { return static_cast<uint32_t>(SKF_NET_OFF) + off; };

  const int v4 = label(), v6 = label(), tagged = label(), v4t = label(), v6t = label(), other = label(),
            mix = label();
  op(BPF_LD | BPF_H | BPF_ABS, static_cast<uint32_t>(SKF_AD_OFF + SKF_AD_PROTOCOL));
  jeq(0x0800, v4, -1);
  jeq(0x86dd, v6, -1);
  jeq(0x8100, tagged, -1);
  jeq(0x88a8, tagged, other);
  here(tagged);  // a second tag the kernel left in the frame: the network header points at it
  op(BPF_LD | BPF_H | BPF_ABS, net(2));
  jeq(0x0800, v4t, -1);
  jeq(0x86dd, v6t, other);
  here(other);
  op(BPF_RET | BPF_K, 0);
  // The address pair, combined with addition (commutative: both directions hash alike).
  auto sum = [&](uint32_t first, int words) {
    op(BPF_LD | BPF_W | BPF_ABS, net(first));
    for (int i = 1; i < words; i++) {
      op(BPF_MISC | BPF_TAX, 0);
      op(BPF_LD | BPF_W | BPF_ABS, net(first + 4 * static_cast<uint32_t>(i)));
      op(BPF_ALU | BPF_ADD | BPF_X, 0);
    }
    jmp(mix);
  };
  here(v4);
  sum(12, 2);
  here(v4t);
  sum(16, 2);
  here(v6);
  sum(8, 8);
  here(v6t);
  sum(12, 8);
  // murmur3's fmix32: spreads the sum's bits, so that the kernel's modulo sees all of them.
  here(mix);
  auto xorshift = [&](uint32_t bits) {
    op(BPF_ST, 0);
    op(BPF_ALU | BPF_RSH | BPF_K, bits);
    op(BPF_MISC | BPF_TAX, 0);
    op(BPF_LD | BPF_MEM, 0);
    op(BPF_ALU | BPF_XOR | BPF_X, 0);
  };
  xorshift(16);
  op(BPF_ALU | BPF_MUL | BPF_K, 0x85ebca6bu);
  xorshift(13);
  op(BPF_ALU | BPF_MUL | BPF_K, 0xc2b2ae35u);
  xorshift(16);
  op(BPF_RET | BPF_A, 0);

  std::vector<BpfInsn> out;
  for (size_t i = 0; i < prog.size(); i++) {
    BpfInsn b = prog[i].insn;
    auto rel = [&](int l) { return static_cast<uint32_t>(labels[static_cast<size_t>(l)] - static_cast<int>(i) - 1); };
    if (prog[i].jt >= 0) b.jt = static_cast<uint8_t>(rel(prog[i].jt));
    if (prog[i].jf >= 0) b.jf = static_cast<uint8_t>(rel(prog[i].jf));
    if (prog[i].ja >= 0) b.k = rel(prog[i].ja);
    out.push_back(b);
  }
  return out;
}

}  // namespace flowmatrix
