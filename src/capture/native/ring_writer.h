// The native producer of a shard ring: a C++ mirror of RingProducer (src/workers/ring/ring.ts)
// over the same bytes (src/workers/ring/layout.ts). Exactly one RingWriter per ring, used by one
// capture thread. The JS consumer reads with Atomics on the Int32 header slots, so every shared
// slot access here is a __atomic builtin on the same 32-bit words (seq_cst where the JS side
// relies on ordering: writePos publication, readPos refresh, clock after publish).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

namespace flowmatrix {
namespace ring {

// Header slots (Int32 indexes), as layout.ts `Slot`.
constexpr int kWritePos = 0;
constexpr int kReadPos = 1;
constexpr int kCapacity = 2;
constexpr int kClosed = 3;
constexpr int kConsumerWaiting = 4;
constexpr int kProducerWaiting = 5;
constexpr int kDropsFull = 6;
constexpr int kRecordsWritten = 7;
constexpr int kClockSec = 8;
constexpr int kClockNsec = 9;
constexpr int kClockSecHigh = 10;
constexpr int kPublishSeq = 11;

constexpr size_t kHeaderSlots = 16;
constexpr size_t kHeaderBytes = kHeaderSlots * 4;
constexpr uint32_t kRecHeaderBytes = 32;
constexpr uint32_t kPadBit = 0x80000000u;
constexpr uint32_t kMinCapacity = 4096;

// RecordFlag bits.
constexpr uint8_t kFlagVlanValid = 1;

inline uint32_t RecordBytes(uint32_t cap_len) { return (kRecHeaderBytes + cap_len + 7) & ~7u; }

}  // namespace ring

class RingWriter {
 public:
  // Checks that `bytes` holds a ring made by createRingBuffer: capacity a power of two >= 4096
  // and header + capacity within the buffer. On failure returns false and says why.
  static bool Validate(const void* base, size_t bytes, std::string* why);

  // `base` is the start of the SharedArrayBuffer (Validate it first). Continues from the
  // positions found in the header, as RingProducer's constructor does.
  explicit RingWriter(void* base)
      : header_(static_cast<int32_t*>(base)),
        data_(static_cast<uint8_t*>(base) + ring::kHeaderBytes),
        capacity_(static_cast<uint32_t>(Load(ring::kCapacity))),
        mask_(capacity_ - 1),
        write_pos_(static_cast<uint32_t>(Load(ring::kWritePos))),
        read_pos_cache_(static_cast<uint32_t>(Load(ring::kReadPos))) {}

  // Copies one packet in, or returns false (writing nothing) when it does not fit. The caller
  // drops and counts (AddDrops): live capture never waits for the consumer.
  inline bool TryWrite(const uint8_t* packet, uint32_t cap_len, uint32_t wire_len, uint64_t ts_sec,
                       uint32_t ts_nsec, uint16_t link_type, uint16_t vlan_tci, uint16_t if_index,
                       uint8_t flags, uint8_t pkt_type) {
    const uint32_t need = ring::RecordBytes(cap_len);
    uint32_t at = write_pos_ & mask_;
    const uint32_t tail = capacity_ - at;
    // A record never wraps: if it does not fit before the end, a PAD record fills the tail.
    const uint64_t total = need > tail ? uint64_t{tail} + need : need;
    if (total > capacity_ - (write_pos_ - read_pos_cache_)) {
      // Looks full: only now pay for the acquire load of the consumer's position.
      read_pos_cache_ = static_cast<uint32_t>(Load(ring::kReadPos));
      if (total > capacity_ - (write_pos_ - read_pos_cache_)) return false;
    }
    if (need > tail) {
      StoreWord(at, tail | ring::kPadBit);
      write_pos_ += tail;
      at = 0;
    }
    uint32_t* w = reinterpret_cast<uint32_t*>(data_ + at);
    w[0] = need;
    w[1] = cap_len;
    w[2] = wire_len;
    w[3] = static_cast<uint32_t>(ts_sec);
    w[4] = ts_nsec;
    w[5] = uint32_t{link_type} | (uint32_t{vlan_tci} << 16);
    w[6] = uint32_t{if_index} | (uint32_t{flags} << 16) | (uint32_t{pkt_type} << 24);
    w[7] = static_cast<uint32_t>(ts_sec >> 32);
    std::memcpy(data_ + at + ring::kRecHeaderBytes, packet, cap_len);
    write_pos_ += need;
    unpublished_++;
    return true;
  }

  uint32_t pending() const { return unpublished_; }

  // Makes every written record visible (RingProducer.publish without the notify, which the
  // capture thread cannot do: see notifier.h). Returns false when there was nothing to publish.
  bool Publish() {
    if (unpublished_ == 0) return false;
    __atomic_fetch_add(&header_[ring::kRecordsWritten], static_cast<int32_t>(unpublished_),
                       __ATOMIC_SEQ_CST);
    unpublished_ = 0;
    // Release: the records' bytes were written before writePos (seq_cst, as Atomics.store).
    __atomic_store_n(&header_[ring::kWritePos], static_cast<int32_t>(write_pos_), __ATOMIC_SEQ_CST);
    __atomic_fetch_add(&header_[ring::kPublishSeq], 1, __ATOMIC_SEQ_CST);
    return true;
  }

  // Packets dropped because the ring was full (the dropsFull slot).
  void AddDrops(uint32_t n) {
    if (n != 0) __atomic_fetch_add(&header_[ring::kDropsFull], static_cast<int32_t>(n), __ATOMIC_SEQ_CST);
  }

  // The producer clock (packet time) that consumers age idle shards by. Call after Publish():
  // a consumer that reads the clock and then finds the ring empty has seen every older packet.
  void SetClock(uint64_t sec, uint32_t nsec) {
    __atomic_store_n(&header_[ring::kClockSecHigh], static_cast<int32_t>(sec >> 32), __ATOMIC_SEQ_CST);
    __atomic_store_n(&header_[ring::kClockNsec], static_cast<int32_t>(nsec), __ATOMIC_SEQ_CST);
    __atomic_store_n(&header_[ring::kClockSec], static_cast<int32_t>(static_cast<uint32_t>(sec)),
                     __ATOMIC_SEQ_CST);
  }

  bool ConsumerWaiting() const { return Load(ring::kConsumerWaiting) != 0; }

 private:
  int32_t Load(int slot) const { return __atomic_load_n(&header_[slot], __ATOMIC_SEQ_CST); }
  void StoreWord(uint32_t at, uint32_t v) { std::memcpy(data_ + at, &v, 4); }

  int32_t* const header_;
  uint8_t* const data_;
  const uint32_t capacity_;
  const uint32_t mask_;
  // Local (unpublished) write position; wraps at 2^32 like the JS `>>> 0` positions.
  uint32_t write_pos_;
  // Consumer position as last read: refreshed only when the ring looks full.
  uint32_t read_pos_cache_;
  uint32_t unpublished_ = 0;
};

inline bool RingWriter::Validate(const void* base, size_t bytes, std::string* why) {
  if (base == nullptr || bytes < ring::kHeaderBytes + ring::kMinCapacity) {
    *why = "ring buffer too small";
    return false;
  }
  if ((reinterpret_cast<uintptr_t>(base) & 7) != 0) {
    *why = "ring buffer not 8-byte aligned";
    return false;
  }
  const uint32_t cap = static_cast<uint32_t>(
      __atomic_load_n(&static_cast<const int32_t*>(base)[ring::kCapacity], __ATOMIC_SEQ_CST));
  if (cap < ring::kMinCapacity || (cap & (cap - 1)) != 0 || ring::kHeaderBytes + cap > bytes) {
    *why = "not a shard ring (capacity slot is not a power of two >= 4096 that fits the buffer)";
    return false;
  }
  return true;
}

}  // namespace flowmatrix
