#include "interfaces.h"

#include <net/if_arp.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

namespace flowmatrix {
namespace {

constexpr int kLinkTypeEthernet = 1;
constexpr int kLinkTypeRaw = 101;

// A socket for SIOCGIF* ioctls (no privileges needed; AF_UNIX works in a namespace without IPv4).
int IoctlSocket() {
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  return fd;
}

void FillDetails(int fd, InterfaceInfo* info) {
  struct ifreq ifr;
  std::memset(&ifr, 0, sizeof ifr);
  std::strncpy(ifr.ifr_name, info->name.c_str(), IFNAMSIZ - 1);
  if (ioctl(fd, SIOCGIFFLAGS, &ifr) == 0) {
    info->up = (ifr.ifr_flags & IFF_UP) != 0;
    info->running = (ifr.ifr_flags & IFF_RUNNING) != 0;
  }
  std::memset(&ifr, 0, sizeof ifr);
  std::strncpy(ifr.ifr_name, info->name.c_str(), IFNAMSIZ - 1);
  if (ioctl(fd, SIOCGIFHWADDR, &ifr) == 0) info->arphrd = ifr.ifr_hwaddr.sa_family;
  info->link_type = LinkTypeForArphrd(info->arphrd);
}

}  // namespace

int LinkTypeForArphrd(int arphrd) {
  switch (arphrd) {
    case ARPHRD_ETHER:
    case ARPHRD_IEEE802:
    case ARPHRD_LOOPBACK:
      return kLinkTypeEthernet;
    case ARPHRD_NONE:
    case ARPHRD_RAWIP:
    case ARPHRD_PPP:
    case ARPHRD_TUNNEL:
    case ARPHRD_TUNNEL6:
    case ARPHRD_SIT:
      return kLinkTypeRaw;
    default:
      return -1;
  }
}

std::vector<InterfaceInfo> ListInterfaces() {
  std::vector<InterfaceInfo> out;
  struct if_nameindex* list = if_nameindex();
  if (list == nullptr) return out;
  int fd = IoctlSocket();
  for (struct if_nameindex* p = list; p->if_index != 0 && p->if_name != nullptr; p++) {
    InterfaceInfo info;
    info.name = p->if_name;
    info.index = static_cast<int>(p->if_index);
    if (fd >= 0) FillDetails(fd, &info);
    out.push_back(info);
  }
  if_freenameindex(list);
  if (fd >= 0) close(fd);
  std::sort(out.begin(), out.end(),
            [](const InterfaceInfo& a, const InterfaceInfo& b) { return a.index < b.index; });
  return out;
}

bool LookupInterface(const std::string& name, InterfaceInfo* out) {
  if (name.empty() || name.size() >= IFNAMSIZ) return false;
  unsigned index = if_nametoindex(name.c_str());
  if (index == 0) return false;
  InterfaceInfo info;
  info.name = name;
  info.index = static_cast<int>(index);
  int fd = IoctlSocket();
  if (fd >= 0) {
    FillDetails(fd, &info);
    close(fd);
  }
  *out = info;
  return true;
}

std::string InterfaceNames() {
  std::string names;
  for (const InterfaceInfo& i : ListInterfaces()) {
    if (!names.empty()) names += ", ";
    names += i.name;
  }
  return names.empty() ? "(none)" : names;
}

}  // namespace flowmatrix
