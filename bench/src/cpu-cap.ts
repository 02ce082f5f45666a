// Lambda-sized CPU for a child process: Lambda gives a function CPU in proportion to its memory,
// one vCPU at 1,769 MB (https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory-computing.html).
// Here that share is a CFS bandwidth quota: quota/period = MB/1769 of one CPU. cgroup v2 names it
// `cpu.max` ("<quota> <period>"); on cgroup v1 (this machine: the `cpu` controller is mounted at
// /sys/fs/cgroup/cpu and only the empty unified hierarchy is v2) it is `cpu.cfs_quota_us` and
// `cpu.cfs_period_us`. Needs root. A wrapper script joins the group before exec'ing node, so the
// whole worker tree (node and its perl) runs capped from its first instruction.
import { chmod, mkdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** One vCPU per this many MB (AWS Lambda documentation, "Memory and computing power"). */
export const MB_PER_VCPU = 1769;
const PERIOD_US = 100_000;

export interface CpuCap {
  /** Fraction of one CPU the group may use per period (MB/1769). */
  readonly cpus: number;
  /** How it was done, for the report. */
  readonly how: string;
  /** A node "executable" (a shell script) whose processes run inside the group. */
  readonly nodeExecutable: string;
  remove(): Promise<void>;
}

interface Hierarchy {
  readonly root: string;
  readonly version: 1 | 2;
}

async function findHierarchy(): Promise<Hierarchy | undefined> {
  const mounts = await readFile('/proc/mounts', 'utf8');
  for (const line of mounts.split('\n')) {
    const [, mountPoint, type, options] = line.split(' ');
    if (type === 'cgroup' && options?.split(',').includes('cpu')) return { root: mountPoint!, version: 1 };
  }
  for (const line of mounts.split('\n')) {
    const [, mountPoint, type] = line.split(' ');
    if (type !== 'cgroup2') continue;
    const controllers = await readFile(path.join(mountPoint!, 'cgroup.controllers'), 'utf8').catch(() => '');
    if (controllers.split(/\s+/).includes('cpu')) return { root: mountPoint!, version: 2 };
  }
  return undefined;
}

/**
 * Creates a CPU-capped cgroup for `memoryMb` and a node wrapper that runs inside it; `undefined`
 * when this machine has no writable cpu controller (not root, or no cgroup), with the reason logged.
 */
export async function createCpuCap(memoryMb: number, scratchDir: string, nodePath = process.execPath): Promise<CpuCap | undefined> {
  const hierarchy = await findHierarchy();
  if (!hierarchy) {
    console.error('bench: no cgroup cpu controller found: CPU-capped runs skipped');
    return undefined;
  }
  const cpus = memoryMb / MB_PER_VCPU;
  const quota = Math.max(1000, Math.round(PERIOD_US * cpus));
  const group = path.join(hierarchy.root, `photo-organizer-bench-${process.pid}-${memoryMb}mb`);
  try {
    await mkdir(group);
    if (hierarchy.version === 1) {
      await writeFile(path.join(group, 'cpu.cfs_period_us'), String(PERIOD_US));
      await writeFile(path.join(group, 'cpu.cfs_quota_us'), String(quota));
    } else {
      await writeFile(path.join(group, 'cpu.max'), `${quota} ${PERIOD_US}`);
    }
  } catch (error) {
    console.error(`bench: cannot create cgroup ${group} (${String(error)}): CPU-capped runs skipped`);
    await rmdir(group).catch(() => {});
    return undefined;
  }
  const wrapper = path.join(scratchDir, `node-${memoryMb}mb.sh`);
  // $$ is the shell's pid, which exec hands to node: node and its children start inside the group.
  await writeFile(wrapper, `#!/bin/sh\necho $$ > '${path.join(group, 'cgroup.procs')}'\nexec '${nodePath}' "$@"\n`);
  await chmod(wrapper, 0o755);
  const file = hierarchy.version === 1 ? 'cpu.cfs_quota_us / cpu.cfs_period_us (cgroup v1)' : 'cpu.max (cgroup v2)';
  return {
    cpus,
    how: `CFS quota ${quota} us per ${PERIOD_US} us (${cpus.toFixed(3)} CPU = ${memoryMb}/${MB_PER_VCPU}) via ${file}`,
    nodeExecutable: wrapper,
    async remove() {
      // A group can only be removed once empty: the workers have exited by now.
      for (let attempt = 0; attempt < 20; attempt++) {
        try {
          await rmdir(group);
          return;
        } catch {
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
      console.error(`bench: could not remove ${group}`);
    },
  };
}
