/** A value in an S3 XML response: nested elements, repeated elements (arrays), text. Undefined is left out. */
export type XmlValue = string | number | boolean | undefined | XmlObject | readonly XmlValue[];
export interface XmlObject {
  readonly [element: string]: XmlValue;
}

const escape = (text: string) =>
  text.replace(/[&<>"']/g, (character) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[character]!);

function element(name: string, value: XmlValue): string {
  if (value === undefined) return '';
  if (Array.isArray(value)) return value.map((item) => element(name, item)).join('');
  if (typeof value === 'object') return `<${name}>${Object.entries(value as XmlObject).map(([child, inner]) => element(child, inner)).join('')}</${name}>`;
  return `<${name}>${escape(String(value))}</${name}>`;
}

/** One S3 response document, escaped once. */
export function toXml(root: string, body: XmlObject): string {
  const inner = Object.entries(body).map(([name, value]) => element(name, value)).join('');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${inner}</${root}>`;
}

const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** The text of every `<name>` element directly inside each `<block>` element of a small request body. */
export function readBlocks(xml: string, block: string): Record<string, string>[] {
  const blocks: Record<string, string>[] = [];
  for (const match of xml.matchAll(new RegExp(`<${block}>([\\s\\S]*?)</${block}>`, 'g'))) {
    const fields: Record<string, string> = {};
    for (const field of match[1]!.matchAll(/<([A-Za-z0-9]+)>([\s\S]*?)<\/\1>/g)) {
      fields[field[1]!] = field[2]!.replace(/&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);/gi, (_, entity: string) =>
        entity.startsWith('#x') || entity.startsWith('#X')
          ? String.fromCodePoint(parseInt(entity.slice(2), 16))
          : entity.startsWith('#')
            ? String.fromCodePoint(Number(entity.slice(1)))
            : entities[entity.toLowerCase()]!,
      );
    }
    blocks.push(fields);
  }
  return blocks;
}
