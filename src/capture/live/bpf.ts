/** BPF filter expressions compiled by libpcap (loaded at run time by the addon). */
import { callNative, loadAddon } from './addon.js';

export interface BpfInstruction {
  code: number;
  jt: number;
  jf: number;
  k: number;
}

export interface BpfProgram {
  expression: string;
  linkType: number;
  snaplen: number;
  instructions: BpfInstruction[];
}

/**
 * Compiles a tcpdump-style filter for frames of `linkType` (LINKTYPE_*); accepted packets are
 * cut to `snaplen`. The capture compiles its own per interface: this is for checking an
 * expression early (the CLI) and for tests. Throws FlowmatrixError: BAD_ARGUMENT with libpcap's
 * message for an expression that does not compile, UNSUPPORTED_PLATFORM when libpcap (Debian
 * package libpcap0.8) or the addon is missing.
 *
 * Note: the kernel strips the outer VLAN tag before the filter runs, and a program compiled
 * here (pcap_open_dead) tests VLAN tags in the frame: `vlan 10` never matches a live packet
 * whose tag was stripped, while `udp port 53` matches tagged and untagged packets alike.
 */
export function compileBpf(expression: string, linkType: number, snaplen: number): BpfProgram {
  return compileBpfWith(expression, linkType, snaplen, undefined);
}

/** compileBpf with the libpcap sonames to try (tests of the "libpcap missing" message). */
export function compileBpfWith(
  expression: string,
  linkType: number,
  snaplen: number,
  libraries: string[] | undefined,
): BpfProgram {
  const addon = loadAddon();
  const raw = callNative(() =>
    libraries === undefined
      ? addon.compileBpf(expression, linkType, snaplen)
      : addon.compileBpf(expression, linkType, snaplen, libraries),
  );
  return {
    expression,
    linkType,
    snaplen,
    instructions: raw.map(([code, jt, jf, k]) => ({ code, jt, jf, k })),
  };
}
