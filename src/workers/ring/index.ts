export { createRingBuffer, ringUsedBytes, RingProducer, RingConsumer } from './ring.js';
export { Slot, Rec, RecordFlag, REC_HEADER_BYTES, HEADER_BYTES, recordBytes } from './layout.js';
