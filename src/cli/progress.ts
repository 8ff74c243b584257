import { rate } from './format.js';

/** A one-line progress display on a TTY, redrawn a few times a second. */
export class ProgressLine {
  private timer: NodeJS.Timeout | null = null;
  private readonly started = performance.now();
  private drawn = false;

  constructor(
    private readonly read: () => { fraction: number; packets: number },
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.draw(), 250);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.drawn) this.stream.write('\r\x1b[K');
  }

  private draw(): void {
    const { fraction, packets } = this.read();
    const secs = (performance.now() - this.started) / 1000;
    this.stream.write(
      `\r\x1b[K${(fraction * 100).toFixed(1)}%  ${packets.toLocaleString('en-US')} packets  ${rate(packets / secs)} packets/s`,
    );
    this.drawn = true;
  }
}
