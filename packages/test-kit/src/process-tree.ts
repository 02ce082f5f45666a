/**
 * Process trees on Linux, read synchronously from `/proc`: the one home for the code the Lambda
 * runtime (RSS of a worker and its perl children, killing a worker's tree), the reliability suite
 * (command lines its workers' descendants ran) and the benchmarks (peak RSS) need.
 *
 * Why not `pidtree` or `ps-list`: both run `ps` per call, asynchronously. Measured on this machine
 * (2 cores, 99 processes, 2026-11-30): `pidtree(-1)` 7.3 ms a call against 0.9 ms for one `/proc`
 * scan; the samplers that use this run every 5 to 50 ms, and the reliability suite's must catch an
 * exiftool that lives ~150 ms. A `ps` spawned every few milliseconds would also load the machine
 * whose memory and time the benchmarks measure.
 */
import { readFileSync, readdirSync } from 'node:fs';

/**
 * One live process: its id, its parent's and its process group's.
 *
 * @example
 * ```ts
 * const children = processTable().filter((entry: ProcessEntry) => entry.parent === process.pid);
 * ```
 */
export interface ProcessEntry {
  readonly pid: number;
  readonly parent: number;
  readonly group: number;
}

/**
 * Every live process on the machine (zombies excluded), from `/proc/<pid>/stat`.
 *
 * @returns One entry a process, in `/proc`'s order; `[]` where `/proc` is absent (not Linux).
 * @example
 * ```ts
 * const table = processTable();
 * const perls = processTree(table, worker.pid);
 * ```
 */
export function processTable(): ProcessEntry[] {
  const entries: ProcessEntry[] = [];
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return entries;
  }
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // The command name is in parentheses and may contain spaces: fields resume after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] === 'Z' || fields[0] === 'X') continue;
      entries.push({ pid: Number(name), parent: Number(fields[1]), group: Number(fields[2]) });
    } catch {
      // The process ended between readdir and read.
    }
  }
  return entries;
}

/**
 * The root, its descendants by parent link, and the members of the process group the root leads
 * (a grandchild whose parent died is re-parented away but stays in the group).
 *
 * @param table from {@link processTable}
 * @param root a process id
 * @returns process ids in `table`'s order (the root included while it is alive)
 * @example
 * ```ts
 * const pids = processTree(processTable(), child.pid!);
 * ```
 */
export function processTree(table: readonly ProcessEntry[], root: number): number[] {
  const tree = new Set<number>();
  for (const entry of table) if (entry.pid === root || entry.group === root) tree.add(entry.pid);
  let grew = true;
  while (grew) {
    grew = false;
    for (const entry of table) {
      if (!tree.has(entry.pid) && tree.has(entry.parent)) {
        tree.add(entry.pid);
        grew = true;
      }
    }
  }
  return [...tree];
}

/**
 * Descendants of `root` by parent link only (children, their children...), the root excluded.
 *
 * @example
 * ```ts
 * for (const pid of descendantPids(processTable(), worker.pid)) console.log(commandLine(pid));
 * ```
 */
export function descendantPids(table: readonly ProcessEntry[], root: number): number[] {
  const byParent = new Map<number, number[]>();
  for (const entry of table) byParent.set(entry.parent, [...(byParent.get(entry.parent) ?? []), entry.pid]);
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    for (const child of byParent.get(queue.shift()!) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

/**
 * A process's resident set size (`VmRSS` of `/proc/<pid>/status`).
 *
 * @returns bytes; 0 when the process is gone or has no memory of its own (a kernel thread)
 * @example
 * ```ts
 * const bytes = residentBytes(process.pid);
 * ```
 */
export function residentBytes(pid: number): number {
  try {
    const kilobytes = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kilobytes ? Number(kilobytes) * 1024 : 0;
  } catch {
    return 0; // gone since the table was read
  }
}

/**
 * The summed RSS of {@link processTree}`(table, root)`. Shared pages count once per process.
 *
 * @returns bytes
 * @example
 * ```ts
 * const peak = Math.max(peak, treeResidentBytes(processTable(), worker.pid));
 * ```
 */
export function treeResidentBytes(table: readonly ProcessEntry[], root: number): number {
  let total = 0;
  for (const pid of processTree(table, root)) total += residentBytes(pid);
  return total;
}

/**
 * A process's argv from `/proc/<pid>/cmdline`.
 *
 * @returns the arguments; `[]` when the process is gone or is a kernel thread
 * @example
 * ```ts
 * commandLine(perl.pid); // ['perl', '/opt/exiftool-server.pl', ...]
 * ```
 */
export function commandLine(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8')
      .split('\0')
      .filter((part, index, all) => index < all.length - 1 || part !== '');
  } catch {
    return [];
  }
}

/**
 * SIGKILL to the process group `root` leads and to every member of its {@link processTree} (found
 * before the kill, so a descendant that left the group dies too).
 *
 * @returns the process ids the kill was sent to, for {@link waitUntilGone}
 * @example
 * ```ts
 * await waitUntilGone(killProcessTree(child.pid!));
 * ```
 */
export function killProcessTree(root: number): number[] {
  const members = processTree(processTable(), root);
  try {
    process.kill(-root, 'SIGKILL');
  } catch {
    // The group is already gone.
  }
  for (const pid of members) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  return members;
}

/**
 * Resolves once none of `pids` is alive (zombies count as gone: a SIGKILLed grandchild's reaper
 * is not us), or after `limitMs`, whichever comes first. Never rejects.
 *
 * @param limitMs milliseconds to wait at most. @default 5000
 * @example
 * ```ts
 * await waitUntilGone(killProcessTree(child.pid!), 2000);
 * ```
 */
export async function waitUntilGone(pids: readonly number[], limitMs = 5000): Promise<void> {
  const giveUpAt = Date.now() + limitMs;
  let remaining = new Set(pids);
  while (remaining.size > 0 && Date.now() < giveUpAt) {
    const live = new Set(processTable().map((entry) => entry.pid));
    remaining = new Set([...remaining].filter((pid) => live.has(pid)));
    if (remaining.size > 0) await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
