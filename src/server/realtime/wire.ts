import { Decoder, Encoder, PacketType, protocol, type Packet } from 'socket.io-parser';

/**
 * An event argument already serialized as JSON: flows:update payloads are assembled from the
 * JSON of each record (written once per record straight from the binary batch, whatever the
 * number of connections it goes to), not stringified again per connection.
 */
export class PreEncoded {
  constructor(readonly json: string) {}
}

/**
 * socket.io's default packet encoder, with two differences that leave the wire format as it is
 * (socket.io-client's default decoder reads it): an event whose argument is PreEncoded is
 * written around that JSON, and events and acks are not searched for binary attachments (this
 * server sends none; the search walked every record of every update).
 */
class RealtimeEncoder extends Encoder {
  override encode(packet: Packet): string[] {
    if (packet.type !== PacketType.EVENT && packet.type !== PacketType.ACK) return super.encode(packet);
    let head = String(packet.type);
    if (packet.nsp && packet.nsp !== '/') head += `${packet.nsp},`;
    if (packet.id !== undefined && packet.id !== null) head += String(packet.id);
    const data: unknown = packet.data;
    if (data === undefined || data === null) return [head];
    if (Array.isArray(data) && data.some((d) => d instanceof PreEncoded)) {
      const parts = data.map((d: unknown) => (d instanceof PreEncoded ? d.json : JSON.stringify(d)));
      return [`${head}[${parts.join(',')}]`];
    }
    return [head + JSON.stringify(data)];
  }
}

/** The `parser` option of the Socket.IO server. */
export const realtimeParser = { protocol, Encoder: RealtimeEncoder, Decoder };
