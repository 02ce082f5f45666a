import { readFileSync } from 'node:fs';

/** `VmRSS` of a `/proc/<pid>/status` text, in bytes (the kernel writes it in kB). */
export function vmRssBytes(status: string): number | undefined {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  return match ? Number(match[1]) * 1024 : undefined;
}

/**
 * Resident size of `pid` now (bytes), or `undefined` where /proc cannot tell (not Linux, or gone).
 * Synchronous on purpose: the check runs every ~50 ms while exiftool works, a read of /proc takes
 * microseconds, and an async one would queue behind the source's reads on libuv's thread pool just
 * when perl grows fastest.
 */
export function rssBytesNow(pid: number): number | undefined {
  try {
    return vmRssBytes(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * Calls `onOver(rssBytes)` once, the first time `pid`'s resident size is seen above `limitBytes`
 * (checked every `intervalMs`). Stops by itself when /proc has no status for it (not Linux, or it
 * exited); returns the function that stops it. The timer does not keep Node alive.
 */
export function watchMemory(pid: number, limitBytes: number, intervalMs: number, onOver: (rssBytes: number) => void): () => void {
  const timer = setInterval(() => {
    const rssBytes = rssBytesNow(pid);
    if (rssBytes === undefined) return clearInterval(timer);
    if (rssBytes <= limitBytes) return;
    clearInterval(timer);
    onOver(rssBytes);
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
