import { IE, REVERSE_PEN, SetId } from './ie.js';

export type ExportFormat = 'ipfix' | 'v9';

export interface TemplateField {
  id: number;
  length: number;
  /** Private enterprise number; 0 for IANA elements (no enterprise bit). */
  enterprise: number;
}

export interface ExportTemplate {
  id: number;
  ipVersion: 4 | 6;
  biflow: boolean;
  fields: TemplateField[];
  /** Bytes of one data record (sum of the field lengths: every field is fixed-length). */
  recordBytes: number;
}

/** Template ids of the exporter (data set ids: ≥ 256). */
export const TemplateId = { v4: 256, v6: 257, v4Biflow: 258, v6Biflow: 259 } as const;

function f(id: number, length: number, enterprise = 0): TemplateField {
  return { id, length, enterprise };
}

/**
 * The data record layout, in the order record-encoder.ts writes it. TCP flags: IPFIX
 * tcpControlBits is unsigned16 (RFC 7125), v9 TCP_FLAGS is one byte. Times are absolute
 * flowStart/EndMilliseconds in both formats (v9 collectors such as nfdump read them; the v9
 * alternative, sysUpTime-relative FIRST/LAST_SWITCHED, would need an exporter "boot" before
 * the oldest flow of a replayed capture).
 */
function fieldsFor(format: ExportFormat, ipVersion: 4 | 6, biflow: boolean): TemplateField[] {
  const flagsLen = format === 'ipfix' ? 2 : 1;
  const fields = [
    ipVersion === 4 ? f(IE.sourceIPv4Address, 4) : f(IE.sourceIPv6Address, 16),
    ipVersion === 4 ? f(IE.destinationIPv4Address, 4) : f(IE.destinationIPv6Address, 16),
    // Before the ports: nfdump stores icmpTypeCode in its destination port slot, so a later
    // icmpTypeCode of 0 would erase the destination port of SCTP and other records.
    ipVersion === 4 ? f(IE.icmpTypeCodeIPv4, 2) : f(IE.icmpTypeCodeIPv6, 2),
    f(IE.sourceTransportPort, 2),
    f(IE.destinationTransportPort, 2),
    f(IE.protocolIdentifier, 1),
    f(IE.tcpControlBits, flagsLen),
    f(IE.octetDeltaCount, 8),
    f(IE.packetDeltaCount, 8),
    f(IE.flowStartMilliseconds, 8),
    f(IE.flowEndMilliseconds, 8),
    f(IE.vlanId, 2),
    f(IE.ingressInterface, 4),
    f(IE.flowEndReason, 1),
  ];
  if (biflow) {
    // RFC 5103 §6: reverse counterparts are the same IE numbers under PEN 29305.
    fields.push(
      f(IE.octetDeltaCount, 8, REVERSE_PEN),
      f(IE.packetDeltaCount, 8, REVERSE_PEN),
      f(IE.tcpControlBits, flagsLen, REVERSE_PEN),
    );
  }
  return fields;
}

export function exportTemplates(format: ExportFormat, biflow: boolean): ExportTemplate[] {
  const make = (id: number, ipVersion: 4 | 6): ExportTemplate => {
    const fields = fieldsFor(format, ipVersion, biflow);
    return { id, ipVersion, biflow, fields, recordBytes: fields.reduce((s, x) => s + x.length, 0) };
  };
  return biflow
    ? [make(TemplateId.v4Biflow, 4), make(TemplateId.v6Biflow, 6)]
    : [make(TemplateId.v4, 4), make(TemplateId.v6, 6)];
}

/**
 * One template set holding every template: IPFIX set id 2 (RFC 7011 §3.4.1), v9 FlowSet id 0
 * (RFC 3954 §5.2). Field specifiers are (id, length), plus a 4-byte PEN after an id with the
 * enterprise bit (0x8000; IPFIX only). Returns the set's bytes.
 */
export function encodeTemplateSet(format: ExportFormat, templates: ExportTemplate[]): Uint8Array {
  let len = 4;
  for (const t of templates) {
    len += 4;
    for (const x of t.fields) len += x.enterprise ? 8 : 4;
  }
  const out = new Uint8Array(len);
  const v = new DataView(out.buffer);
  v.setUint16(0, format === 'ipfix' ? SetId.ipfixTemplate : SetId.v9Template);
  v.setUint16(2, len);
  let p = 4;
  for (const t of templates) {
    v.setUint16(p, t.id);
    v.setUint16(p + 2, t.fields.length);
    p += 4;
    for (const x of t.fields) {
      v.setUint16(p, x.enterprise ? 0x8000 | x.id : x.id);
      v.setUint16(p + 2, x.length);
      p += 4;
      if (x.enterprise) {
        v.setUint32(p, x.enterprise);
        p += 4;
      }
    }
  }
  return out;
}

/**
 * IPFIX Template Withdrawal (RFC 7011 §8.1): a template record with field count 0 for each id.
 * Only sent on TCP (withdrawals over UDP are forbidden, §8.4), before a clean close.
 */
export function encodeWithdrawalSet(templates: ExportTemplate[]): Uint8Array {
  const len = 4 + 4 * templates.length;
  const out = new Uint8Array(len);
  const v = new DataView(out.buffer);
  v.setUint16(0, SetId.ipfixTemplate);
  v.setUint16(2, len);
  templates.forEach((t, i) => {
    v.setUint16(4 + i * 4, t.id);
    v.setUint16(6 + i * 4, 0);
  });
  return out;
}
