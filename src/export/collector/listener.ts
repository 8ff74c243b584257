import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server, type Socket } from 'node:net';
import { FlowmatrixError } from '../../errors.js';
import type { FlowCollector } from './collector.js';
import { IpfixStreamFramer } from './tcp-framer.js';

export interface ListenerConfig {
  /** null: every address (IPv6 and IPv4 when the system has IPv6). */
  host: string | null;
  /** 0: any free port (the same one for UDP and TCP). */
  port: number;
  maxTcpConnections: number;
  /** Socket receive buffer asked for (the kernel caps it at net.core.rmem_max). */
  receiveBufferBytes: number;
}

export const DEFAULT_LISTENER_CONFIG: Omit<ListenerConfig, 'host' | 'port'> = {
  maxTcpConnections: 256,
  receiveBufferBytes: 32 << 20,
};

export interface ListenerStats {
  address: string;
  port: number;
  datagrams: number;
  datagramBytes: number;
  tcpConnections: number;
  tcpConnectionsTotal: number;
  tcpBytes: number;
  tcpMessages: number;
}

/** "::ffff:192.0.2.1" (an IPv4 peer on a dual-stack socket) → "192.0.2.1". */
function plainAddress(a: string | undefined): string {
  if (!a) return '';
  return a.startsWith('::ffff:') && a.includes('.') ? a.slice(7) : a;
}

/**
 * `--ipfix-listen`: one UDP socket (NetFlow v5/v9, IPFIX, sFlow) and one TCP server (IPFIX,
 * framed by the message length) on the same port, feeding one FlowCollector.
 */
export class CollectorListener {
  private udp: UdpSocket | null = null;
  private tcp: Server | null = null;
  private readonly connections = new Set<Socket>();
  private nextConnection = 1;
  private boundPort = 0;
  private boundHost = '';
  private datagrams = 0;
  private datagramBytes = 0;
  private tcpConnectionsTotal = 0;
  private tcpBytes = 0;
  private tcpMessages = 0;
  readonly config: ListenerConfig;

  constructor(
    private readonly collector: FlowCollector,
    config: Partial<ListenerConfig> & { port: number },
  ) {
    this.config = { ...DEFAULT_LISTENER_CONFIG, host: null, ...config };
  }

  get port(): number {
    return this.boundPort;
  }

  async start(): Promise<void> {
    const host = this.config.host;
    try {
      this.udp = await this.bindUdp(host ?? '::', host === null).catch((err: NodeJS.ErrnoException) => {
        // No IPv6 on this system: IPv4 only.
        if (host === null && (err.code === 'EAFNOSUPPORT' || err.code === 'EADDRNOTAVAIL'))
          return this.bindUdp('0.0.0.0', false);
        throw err;
      });
      this.boundPort = this.udp.address().port;
      this.boundHost = this.udp.address().address;
      this.tcp = await this.listenTcp(this.boundHost, this.boundPort);
    } catch (err) {
      await this.stop();
      const e = err as NodeJS.ErrnoException;
      throw new FlowmatrixError(
        e.code === 'EADDRINUSE' || e.code === 'EACCES' || e.code === 'EADDRNOTAVAIL'
          ? 'BAD_ARGUMENT'
          : 'INTERNAL',
        `--ipfix-listen ${host ?? ''}${host ? ':' : ''}${this.config.port}: ${
          e.code === 'EADDRINUSE' ? 'port in use (UDP or TCP)' : e.message
        }`,
      );
    }
  }

  async stop(): Promise<void> {
    for (const c of this.connections) c.destroy();
    this.connections.clear();
    const udp = this.udp;
    const tcp = this.tcp;
    this.udp = null;
    this.tcp = null;
    if (udp) await new Promise<void>((resolve) => udp.close(() => resolve()));
    if (tcp) await new Promise<void>((resolve) => tcp.close(() => resolve()));
  }

  stats(): ListenerStats {
    return {
      address: this.boundHost,
      port: this.boundPort,
      datagrams: this.datagrams,
      datagramBytes: this.datagramBytes,
      tcpConnections: this.connections.size,
      tcpConnectionsTotal: this.tcpConnectionsTotal,
      tcpBytes: this.tcpBytes,
      tcpMessages: this.tcpMessages,
    };
  }

  private bindUdp(address: string, dualStack: boolean): Promise<UdpSocket> {
    return new Promise((resolve, reject) => {
      const s = createSocket({
        type: address.includes(':') ? 'udp6' : 'udp4',
        ipv6Only: !dualStack && address.includes(':'),
        recvBufferSize: this.config.receiveBufferBytes,
      });
      s.once('error', reject);
      s.bind(this.config.port, address, () => {
        s.off('error', reject);
        s.on('error', () => {});
        s.on('message', (msg, rinfo) => {
          this.datagrams++;
          this.datagramBytes += msg.length;
          this.collector.handleDatagram(msg, plainAddress(rinfo.address), rinfo.port);
        });
        resolve(s);
      });
    });
  }

  private listenTcp(address: string, port: number): Promise<Server> {
    return new Promise((resolve, reject) => {
      const server = createServer((socket) => this.accept(socket));
      server.maxConnections = this.config.maxTcpConnections;
      server.on('drop', () => this.collector.drops['tcp-connections']++);
      server.once('error', reject);
      server.listen(
        { host: address, port, ipv6Only: this.config.host !== null && address.includes(':') },
        () => {
          server.off('error', reject);
          server.on('error', () => {});
          resolve(server);
        },
      );
    });
  }

  private accept(socket: Socket): void {
    const id = this.nextConnection++;
    const address = plainAddress(socket.remoteAddress);
    const framer = new IpfixStreamFramer();
    this.connections.add(socket);
    this.tcpConnectionsTotal++;
    socket.setKeepAlive(true, 60_000);
    // One message callback per connection, not one per chunk.
    const onMessage = (message: Buffer): void => {
      this.tcpMessages++;
      this.collector.handleTcpMessage(message, address, id);
    };
    socket.on('data', (chunk: Buffer) => {
      this.tcpBytes += chunk.length;
      if (!framer.push(chunk, onMessage)) {
        this.collector.drops['tcp-not-ipfix']++;
        socket.destroy();
      }
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      this.connections.delete(socket);
      this.collector.closeConnection(id);
    });
  }
}
