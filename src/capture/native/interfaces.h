// Network interfaces as the capture engine sees them: name, index, hardware type (ARPHRD_*)
// and the pcap link type (LINKTYPE_*) of the frames an AF_PACKET SOCK_RAW socket returns.
#pragma once

#include <string>
#include <vector>

namespace flowmatrix {

struct InterfaceInfo {
  std::string name;
  int index = 0;
  int arphrd = -1;
  // LINKTYPE_* of captured frames, or -1 when live capture does not support the hardware type.
  int link_type = -1;
  bool up = false;       // IFF_UP: administratively up (AF_PACKET sockets only receive then)
  bool running = false;  // IFF_RUNNING: carrier
};

// Every interface of the calling thread's network namespace (if_nameindex), in index order.
std::vector<InterfaceInfo> ListInterfaces();

// One interface by name; false when there is none by that name.
bool LookupInterface(const std::string& name, InterfaceInfo* out);

// "lo, eth0, ..." for error messages.
std::string InterfaceNames();

// LINKTYPE_* for an ARPHRD_* hardware type, -1 if unsupported. Loopback has Ethernet framing on
// Linux (zero MACs); tun, WireGuard, PPP and IP tunnels hand out bare IP packets (LINKTYPE_RAW).
int LinkTypeForArphrd(int arphrd);

}  // namespace flowmatrix
