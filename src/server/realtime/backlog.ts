/**
 * How much a connection has not sent yet. engine.io and ws do not publish these numbers in
 * their types, so they are read structurally and checked at run time (a missing one reads 0):
 * - engine.io's `writeBuffer`: packets queued while the transport is busy (a polling client
 *   that does not poll, or a WebSocket whose previous frame has not been written out);
 * - ws's `bufferedAmount`: bytes handed to the WebSocket but still in Node's socket buffer
 *   (the kernel's send buffer is full: the peer is not reading).
 */
export interface Backlog {
  /** The transport can take a packet now. */
  writable: boolean;
  /** Packets queued in engine.io. */
  packets: number;
  /** Bytes queued in engine.io plus bytes buffered in the WebSocket. */
  bytes: number;
}

function field(o: unknown, name: string): unknown {
  return typeof o === 'object' && o !== null ? (o as Record<string, unknown>)[name] : undefined;
}

function queuedBytes(buffer: unknown[]): number {
  let n = 0;
  for (const p of buffer) {
    const d = field(p, 'data');
    if (typeof d === 'string') n += d.length;
    else if (d instanceof Uint8Array || d instanceof ArrayBuffer) n += d.byteLength;
  }
  return n;
}

/** `conn` is a socket.io socket's `conn` (the engine.io socket). */
export function measureBacklog(conn: unknown): Backlog {
  const transport = field(conn, 'transport');
  const writable = field(transport, 'writable') !== false;
  const buffer = field(conn, 'writeBuffer');
  const queue = Array.isArray(buffer) ? buffer : [];
  const buffered = field(field(transport, 'socket'), 'bufferedAmount');
  return {
    writable,
    packets: queue.length,
    bytes: queuedBytes(queue) + (typeof buffered === 'number' ? buffered : 0),
  };
}

/**
 * Closes a connection's transport at once: a WebSocket is terminated (ws's close() would wait
 * up to 30 s for a peer that does not read to answer the closing handshake), other transports
 * are closed. The client sees a lost transport, not a server disconnect, so socket.io-client
 * reconnects by itself.
 */
export function dropTransport(conn: unknown): void {
  const ws = field(field(conn, 'transport'), 'socket');
  const terminate = field(ws, 'terminate');
  if (typeof terminate === 'function') {
    (terminate as () => void).call(ws);
    return;
  }
  const close = field(conn, 'close');
  if (typeof close === 'function') (close as (discard?: boolean) => void).call(conn, true);
}
