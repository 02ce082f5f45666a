/** Least-recently-used map of block index to block bytes, bounded by a block count. */
export class BlockCache {
  private readonly blocks = new Map<number, Uint8Array>();

  constructor(private readonly capacity: number) {}

  get(index: number): Uint8Array | undefined {
    const block = this.blocks.get(index);
    if (block !== undefined) {
      // Map keeps insertion order: re-inserting makes this the most recently used.
      this.blocks.delete(index);
      this.blocks.set(index, block);
    }
    return block;
  }

  /** Whether the block is cached, without touching its recency. */
  has(index: number): boolean {
    return this.blocks.has(index);
  }

  set(index: number, block: Uint8Array): void {
    if (this.capacity === 0) return;
    this.blocks.delete(index);
    this.blocks.set(index, block);
    while (this.blocks.size > this.capacity) {
      const oldest = this.blocks.keys().next().value as number;
      this.blocks.delete(oldest);
    }
  }

  get size(): number {
    return this.blocks.size;
  }
}
