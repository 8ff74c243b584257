/** Something that wants a turn to send (a connection's round of updates). */
export interface Turn {
  runTurn(): void;
}

/**
 * Runs connections' send rounds in turn, a few milliseconds of them per event-loop iteration:
 * when a snapshot of every active flow arrives, every connection has a round due at once, and
 * running them back to back would hold the event loop (timers, the API, socket reads) for the
 * whole burst. FIFO, so every connection gets its turn in order.
 */
export class RoundQueue {
  private queue: Turn[] = [];
  private head = 0;
  private scheduled = false;

  constructor(private readonly budgetMs: number) {}

  add(turn: Turn): void {
    this.queue.push(turn);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.run());
    }
  }

  private run(): void {
    this.scheduled = false;
    const end = performance.now() + this.budgetMs;
    while (this.head < this.queue.length) {
      this.queue[this.head++].runTurn();
      if (performance.now() >= end) break;
    }
    if (this.head >= this.queue.length) {
      this.queue = [];
      this.head = 0;
      return;
    }
    this.scheduled = true;
    // A new immediate set during this check phase runs in the next loop iteration, after I/O.
    setImmediate(() => this.run());
  }
}
