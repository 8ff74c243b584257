// Classic BPF programs for SO_ATTACH_FILTER. Filter expressions are compiled by libpcap's
// pcap_compile, loaded at run time with dlopen: the build needs no libpcap headers and a machine
// without libpcap still captures (only --bpf then needs it).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace flowmatrix {

// Same layout as the kernel's struct sock_filter and libpcap's struct bpf_insn.
struct BpfInsn {
  uint16_t code;
  uint8_t jt;
  uint8_t jf;
  uint32_t k;
};

// Compiles a tcpdump-style expression for frames of `link_type` (LINKTYPE_*). Accepted packets
// return `snaplen`: the kernel copies only that many bytes into the capture ring.
// Throws CaptureError: UNSUPPORTED_PLATFORM when libpcap cannot be loaded (naming the Debian
// package), BAD_ARGUMENT with libpcap's own message when the expression does not compile.
// `libraries`: sonames to try in order (empty: libpcap.so.0.8, libpcap.so.1, libpcap.so).
std::vector<BpfInsn> CompileBpf(const std::string& expression, int link_type, int snaplen,
                                const std::vector<std::string>& libraries = {});

// `ret #snaplen`: accepts everything, truncated to snaplen (the filter of a capture without one).
std::vector<BpfInsn> AcceptAllBpf(uint32_t snaplen);

// `ret #0`: accepts nothing. Sockets carry it while they are set up and joined to their fanout
// group, and while stopping, so no packet is taken outside those moments.
std::vector<BpfInsn> DropAllBpf();

// The PACKET_FANOUT_CBPF program that picks a packet's shard (the kernel takes its return value
// modulo the group size): a symmetric hash of the IP address pair only (IPv4 or IPv6, after at
// most one VLAN tag left in the frame), so both directions of a flow and every fragment of a
// datagram (later fragments carry no ports) go to one shard without reassembly, as the file
// path's shardHash does. Anything else (ARP, MPLS, ...) goes to shard 0.
std::vector<BpfInsn> FanoutHashBpf();

}  // namespace flowmatrix
