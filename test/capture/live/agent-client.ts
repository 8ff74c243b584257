/** Drives agent.ts in a network namespace: one JSON command, one JSON answer. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { AgentRecord, Command } from './agent.js';

export type Reply = { ok: true; [key: string]: unknown } | { ok: false; code: string; message: string };

export class Agent {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly waiting: ((r: Reply) => void)[] = [];
  stderr = '';

  /** `prefix`: run the agent under another command first (e.g. setpriv dropping a capability). */
  constructor(ns: string, prefix: string[] = []) {
    const script = fileURLToPath(new URL('./agent.ts', import.meta.url));
    this.child = spawn('ip', ['netns', 'exec', ns, ...prefix, process.execPath, '--import=tsx', script], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child.stderr.on('data', (d: Buffer) => (this.stderr += d.toString()));
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      const w = this.waiting.shift();
      if (w) w(JSON.parse(line) as Reply);
    });
    this.child.on('exit', () => {
      for (const w of this.waiting.splice(0)) w({ ok: false, code: 'EXITED', message: this.stderr });
    });
  }

  send(cmd: Command): Promise<Reply> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.child.stdin.write(`${JSON.stringify(cmd)}\n`);
    });
  }

  /** Sends and fails with the agent's message when the answer is not ok. */
  async must<T = Record<string, unknown>>(cmd: Command): Promise<T> {
    const r = await this.send(cmd);
    if (!r.ok) throw new Error(`agent ${cmd.op}: ${r.code}: ${r.message}`);
    return r as unknown as T;
  }

  async records(): Promise<AgentRecord[]> {
    return (await this.must<{ records: AgentRecord[] }>({ op: 'records' })).records;
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.stdin.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
}
