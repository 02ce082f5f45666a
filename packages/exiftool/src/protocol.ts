/**
 * Framing of the server protocol (documented in perl/exiftool-server.pl): one ASCII header line,
 * then, for `J`, exactly <len> payload bytes.
 */
export type ServerMessage =
  | { readonly type: 'READY'; readonly protocol: number; readonly version: string }
  | { readonly type: 'G'; readonly id: number; readonly offset: number; readonly length: number }
  | { readonly type: 'J'; readonly id: number; readonly payload: Buffer };

export const PROTOCOL_VERSION = 1;

/** Accumulates bytes from the server and yields whole messages. */
export class ServerMessageParser {
  #buffer: Buffer = Buffer.alloc(0);
  #pendingJson: { id: number; length: number } | undefined;

  /** Throws on a malformed header: the caller treats the server as broken. */
  push(chunk: Buffer): ServerMessage[] {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    const messages: ServerMessage[] = [];
    for (;;) {
      if (this.#pendingJson) {
        const { id, length } = this.#pendingJson;
        if (this.#buffer.length < length) break;
        messages.push({ type: 'J', id, payload: this.#buffer.subarray(0, length) });
        this.#buffer = this.#buffer.subarray(length);
        this.#pendingJson = undefined;
        continue;
      }
      const end = this.#buffer.indexOf(0x0a);
      if (end < 0) {
        if (this.#buffer.length > 4096) throw new Error(`header line too long: ${this.#preview()}`);
        break;
      }
      const line = this.#buffer.subarray(0, end).toString('latin1');
      this.#buffer = this.#buffer.subarray(end + 1);
      const fields = line.split(' ');
      const numbers = fields.slice(1).map(Number);
      if (fields[0] === 'READY' && fields.length === 3) {
        messages.push({ type: 'READY', protocol: Number(fields[1]), version: fields[2] ?? '' });
      } else if (fields[0] === 'G' && fields.length === 4 && numbers.every(Number.isSafeInteger)) {
        messages.push({ type: 'G', id: numbers[0] ?? 0, offset: numbers[1] ?? 0, length: numbers[2] ?? 0 });
      } else if (fields[0] === 'J' && fields.length === 3 && numbers.every(Number.isSafeInteger)) {
        this.#pendingJson = { id: numbers[0] ?? 0, length: numbers[1] ?? 0 };
      } else {
        throw new Error(`unexpected header line: ${JSON.stringify(line.slice(0, 200))}`);
      }
    }
    return messages;
  }

  #preview(): string {
    return JSON.stringify(this.#buffer.subarray(0, 200).toString('latin1'));
  }
}

/** One framed message to the server: `<type> <id> <len>\n<payload>`. */
export function frame(type: 'R' | 'D' | 'E', id: number, payload: Uint8Array | string): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  return Buffer.concat([Buffer.from(`${type} ${id} ${body.length}\n`, 'latin1'), body]);
}

/** The payload of an `R` request. */
export function requestPayload(size: number, blockSize: number, extension: string, tags: readonly string[], allTags: boolean): string {
  const lines = [`size ${size}`, `block ${blockSize}`, `ext ${extension}`, 'fast 1', `all ${allTags ? 1 : 0}`, ...tags.map((tag) => `tag ${tag}`)];
  return `${lines.join('\n')}\n`;
}

/** The extension exiftool may see: letters and digits only, else none (never the rest of a key). */
export function fileExtension(fileName: string | undefined): string {
  const match = /\.([A-Za-z0-9]{1,16})$/.exec(fileName ?? '');
  return match?.[1] ?? '';
}
