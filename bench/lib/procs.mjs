// Child processes of the bench: the servers under test (pinned to core 0, with
// the memory probe preloaded) and the load generator (pinned to core 1).
import { fork, execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PROBE = fileURLToPath(new URL('../probe.mjs', import.meta.url));
export const CORES = (() => {
  try { return Number(execFileSync('nproc').toString().trim()); } catch { return 1; }
})();

/** Pins every thread of `pid` to one core (server on 0, load on 1) when the machine has two or more. */
export function pin(pid, core) {
  if (CORES < 2) return false;
  try {
    execFileSync('taskset', ['-a', '-p', '-c', String(core % CORES), String(pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The open-file limits: soft and hard. */
export function fileLimit(pid = process.pid) {
  const line = readFileSync(`/proc/${pid}/limits`, 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
  const [soft, hard] = line.replace('Max open files', '').trim().split(/\s+/);
  return { soft: Number(soft) || Infinity, hard: Number(hard) || Infinity };
}

/** Raises the soft open-file limit of `pid` to its hard limit (prlimit works on a running process). */
export function raiseFileLimit(pid = process.pid) {
  const { hard } = fileLimit(pid);
  try {
    execFileSync('prlimit', ['--pid', String(pid), `--nofile=${hard}:${hard}`], { stdio: 'ignore' });
  } catch { /* reported as measured below */ }
  return fileLimit(pid);
}

/** CPU seconds (user + system) the process has used, from /proc. */
export function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return NaN;
  }
}

/** Seconds the process's threads spent runnable but waiting for a CPU (schedstat of every thread). */
export function runQueueSeconds(pid) {
  try {
    let ns = 0;
    for (const t of readdirSync(`/proc/${pid}/task`)) ns += Number(readFileSync(`/proc/${pid}/task/${t}/schedstat`, 'utf8').split(' ')[1]);
    return ns / 1e9;
  } catch {
    return NaN;
  }
}

export function rssKb(pid) {
  const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m[1]);
}

export function openFds(pid) {
  try { return readdirSync(`/proc/${pid}/fd`).length; } catch { return NaN; }
}

export function pidOf(name) {
  try { return Number(execFileSync('pidof', ['-s', name]).toString().trim()) || null; } catch { return null; }
}

/** A server under test: a forked Node process with the probe, on core 0. */
export class ServerProcess {
  constructor(label, script, args, env, core = 0, extraExecArgv = []) {
    this.label = label;
    this.child = fork(script, args, {
      cwd: ROOT,
      env: { ...process.env, ...env },
      execArgv: ['--expose-gc', '--import', PROBE, ...extraExecArgv],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    this.pid = this.child.pid;
    this.output = '';
    const keep = (d) => { this.output = (this.output + d).slice(-4000); };
    this.child.stdout.on('data', keep);
    this.child.stderr.on('data', keep);
    this.stopping = false;
    this.exited = new Promise((r) => this.child.once('exit', (code, signal) => {
      if (!this.stopping) console.error(`${label} exited unexpectedly (${code ?? signal}):\n${this.output}`);
      r(code);
    }));
    this.pinned = pin(this.pid, core);
    this.files = raiseFileLimit(this.pid);
    this.probes = new Map();
    this.seq = 0;
    this.child.on('message', (m) => {
      const p = this.probes.get(m?.id);
      if (p) { this.probes.delete(m.id); p(m); }
    });
  }

  async ready(url, timeoutMs = 20_000) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) throw new Error(`${this.label} exited: ${this.output}`);
      try {
        const r = await fetch(url, { signal: AbortSignal.timeout(1000) });
        if (r.ok) return;
      } catch { /* not yet */ }
      await sleep(100);
    }
    throw new Error(`${this.label} did not start: ${this.output}`);
  }

  /** process.memoryUsage() after a full GC, plus RSS from /proc. */
  memory(gc = true) {
    const id = ++this.seq;
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => { this.probes.delete(id); reject(new Error(`${this.label}: no memory report`)); }, 15_000);
      this.probes.set(id, (m) => { clearTimeout(t); resolve({ ...m, vmRssKb: rssKb(this.pid) }); });
      this.child.send({ probe: 'mem', id, gc });
    });
  }

  cpu() {
    return cpuSeconds(this.pid);
  }

  /** Event-loop delay since the last call (ms): p50, p99, max; then starts over. */
  loopDelay() {
    const id = ++this.seq;
    return new Promise((resolve) => {
      const t = setTimeout(() => { this.probes.delete(id); resolve(null); }, 5000);
      this.probes.set(id, (m) => { clearTimeout(t); resolve({ p50: m.p50, p99: m.p99, max: m.max }); });
      this.child.send({ probe: 'loop', id });
    });
  }

  /** Writes a V8 heap snapshot of the server to `file` (for `--snapshots`). */
  snapshot(file) {
    const id = ++this.seq;
    return new Promise((resolve) => {
      this.probes.set(id, (m) => resolve(m.file));
      this.child.send({ probe: 'snapshot', id, file });
    });
  }

  async stop() {
    if (this.child.exitCode !== null) return;
    this.stopping = true;
    this.child.kill('SIGTERM');
    const t = setTimeout(() => this.child.kill('SIGKILL'), 12_000);
    await this.exited;
    clearTimeout(t);
  }
}

/** The load generator: a forked process on core 1, driven by RPC over IPC. */
export class LoadGen {
  constructor() {
    this.child = fork(fileURLToPath(new URL('../loadgen.mjs', import.meta.url)), [], {
      cwd: ROOT,
      execArgv: ['--max-old-space-size=4096'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.pid = this.child.pid;
    this.pinned = pin(this.pid, 1);
    this.files = raiseFileLimit(this.pid);
    this.calls = new Map();
    this.seq = 0;
    this.child.on('message', (m) => {
      const c = this.calls.get(m?.id);
      if (!c) return;
      this.calls.delete(m.id);
      if (m.error) c.reject(new Error(m.error));
      else c.resolve(m.result);
    });
    this.child.once('exit', (code) => {
      for (const c of this.calls.values()) c.reject(new Error(`load generator exited (${code})`));
      this.calls.clear();
    });
  }

  call(fn, ...args) {
    const id = ++this.seq;
    return new Promise((resolve, reject) => {
      this.calls.set(id, { resolve, reject });
      this.child.send({ id, fn, args });
    });
  }

  stop() {
    this.child.kill('SIGTERM');
  }
}
