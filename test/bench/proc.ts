/**
 * Process measurements from /proc (Linux): CPU time of a pid (utime + stime) and its memory
 * (VmRSS now, VmHWM peak), and the load generator's own CPU.
 */
import { readdirSync, readFileSync, statSync, type Dirent } from 'node:fs';

// USER_HZ is 100 on every Linux we run on (getconf CLK_TCK).
const TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) a process has used so far. */
export const cpuSeconds = (pid: number): number => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state); utime and stime are fields 14 and 15.
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
};

/** Resident set size now and at its peak, in MiB. */
export const memory = (pid: number): { rssMiB: number; peakRssMiB: number } => {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMiB: kb('VmRSS') / 1024, peakRssMiB: kb('VmHWM') / 1024 };
};

/** A CPU meter: percent of one core used by `pid` (or by this process) since the meter started. */
export const cpuMeter = (pid?: number) => {
  const wall0 = performance.now();
  const own0 = process.cpuUsage();
  const server0 = pid === undefined ? 0 : cpuSeconds(pid);
  return {
    /** Percent of one core since start: the server's (if a pid was given) and the load generator's. */
    read(): { serverCpuPct: number; loadgenCpuPct: number } {
      const wall = (performance.now() - wall0) / 1000;
      const own = process.cpuUsage(own0);
      const serverCpuPct = pid === undefined ? NaN : ((cpuSeconds(pid) - server0) / wall) * 100;
      return { serverCpuPct, loadgenCpuPct: ((own.user + own.system) / 1e6 / wall) * 100 };
    },
  };
};

/** Bytes in a directory tree. */
export const dirBytes = (dir: string): number => {
  let total = 0;
  for (const entry of readdirSyncSafe(dir)) {
    const path = `${dir}/${entry.name}`;
    total += entry.isDirectory() ? dirBytes(path) : statSize(path);
  }
  return total;
};

const readdirSyncSafe = (dir: string): Dirent[] => {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
};
const statSize = (path: string): number => {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
};
