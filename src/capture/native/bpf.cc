#include "bpf.h"

#include <dlfcn.h>

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

}  // namespace flowmatrix
