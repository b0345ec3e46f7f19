/** What Linux says of a process (/proc): CPU time and resident memory, for any contender whatever it runs. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let ticksPerSecond: number | undefined;

/** Clock ticks per second (utime and stime are counted in them). */
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** CPU time of the process so far, in milliseconds: in user space, in the kernel (system calls), and both. */
export function cpuTimes(pid: number): { userMs: number; sysMs: number; totalMs: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces; the fields after its closing parenthesis are fixed.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const userMs = (Number(fields[11]) * 1000) / clockTicks();
  const sysMs = (Number(fields[12]) * 1000) / clockTicks();
  return { userMs, sysMs, totalMs: userMs + sysMs };
}

/** User plus system CPU time of the process so far, in milliseconds. */
export function cpuMs(pid: number): number {
  return cpuTimes(pid).totalMs;
}

/** A field of /proc/<pid>/status in MiB (VmRSS: now; VmHWM: the peak so far). */
export function memoryMb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8')
      .split('\n')
      .find((l) => l.startsWith(`${field}:`));
    return line ? Number(line.split(/\s+/)[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** Samples the resident memory of some processes until stopped; returns the largest seen per process. */
export function sampleRss(pids: Record<string, number>, everyMs = 200): () => Record<string, number> {
  const peak: Record<string, number> = Object.fromEntries(Object.keys(pids).map((k) => [k, 0]));
  const sample = () => {
    for (const [name, pid] of Object.entries(pids)) peak[name] = Math.max(peak[name]!, memoryMb(pid, 'VmRSS'));
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return () => {
    clearInterval(timer);
    sample();
    return peak;
  };
}
