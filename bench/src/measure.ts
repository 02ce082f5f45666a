// Measurement helpers: process-tree RSS (test-kit's process-tree, from /proc), a byte-counting TCP hop, percentiles.
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { descendantPids, processTable, residentBytes } from '@photo-organizer/test-kit';

export interface TreeSampler {
  /** Highest sum of RSS over `pid` and its descendants (perl/exiftool children included), in bytes. */
  readonly peakBytes: () => number;
  /** Highest RSS of any one descendant (an exiftool process), in bytes. */
  readonly peakChildBytes: () => number;
  stop(): void;
}

/**
 * Samples the RSS of a process tree every `intervalMs`. A fresh exiftool lives ~150 ms, so 10 ms
 * sampling sees each one several times; the sum is taken at one instant, as the kernel would count it.
 */
export function sampleTree(pid: number, intervalMs = 10): TreeSampler {
  let peak = 0;
  let peakChild = 0;
  const sample = () => {
    let total = residentBytes(pid) / 1024;
    for (const child of descendantPids(processTable(), pid)) {
      const rss = residentBytes(child) / 1024;
      total += rss;
      peakChild = Math.max(peakChild, rss);
    }
    peak = Math.max(peak, total);
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    peakBytes: () => peak * 1024,
    peakChildBytes: () => peakChild * 1024,
    stop: () => clearInterval(timer),
  };
}

export interface WireCounter {
  readonly endpoint: string;
  /** Bytes sent from S3 (through the proxy) to the client so far: bodies and HTTP headers. */
  readonly bytesDown: () => number;
  stop(): Promise<void>;
}

/** A plain TCP hop in front of `target` that counts every byte flowing back to the client. */
export async function startWireCounter(target: string): Promise<WireCounter> {
  const url = new URL(target);
  let down = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(url.port), url.hostname);
    sockets.add(client);
    sockets.add(upstream);
    upstream.on('data', (chunk: Buffer) => {
      down += chunk.byteLength;
    });
    client.pipe(upstream);
    upstream.pipe(client);
    const close = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    bytesDown: () => down,
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Nearest-rank percentile (p in 0..100) of unsorted values; NaN for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

export const sum = (values: readonly number[]): number => values.reduce((total, value) => total + value, 0);
export const mean = (values: readonly number[]): number => (values.length === 0 ? Number.NaN : sum(values) / values.length);
