/**
 * The little XML the XLSX reader needs: attribute values and text with entities decoded, including
 * OOXML's `_xHHHH_` escapes for control characters (`_x000D_` is a carriage return). Pure.
 */

/** The value of attribute `name` in a tag's attribute text (`r="A1" t="s"`), decoded; undefined if absent. */
export function attribute(attributes: string, name: string): string | undefined {
  let at = 0;
  for (;;) {
    at = attributes.indexOf(name, at);
    if (at < 0) return undefined;
    const before = at === 0 ? ' ' : attributes.charAt(at - 1);
    let i = at + name.length;
    while (attributes.charAt(i) === ' ') i++;
    if ((before === ' ' || before === '\t' || before === '\n' || before === '\r') && attributes.charAt(i) === '=') {
      i++;
      while (attributes.charAt(i) === ' ') i++;
      const quote = attributes.charAt(i);
      if (quote === '"' || quote === "'") {
        const end = attributes.indexOf(quote, i + 1);
        if (end < 0) return undefined;
        return decodeXml(attributes.slice(i + 1, end));
      }
    }
    at += name.length;
  }
}

const ENTITY = /&(?:#x([0-9a-fA-F]+)|#([0-9]+)|(lt|gt|amp|quot|apos));/g;
const NAMED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const OOXML_ESCAPE = /_x([0-9A-Fa-f]{4})_/g;

/** XML character data with its entities decoded. */
export function decodeXml(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(ENTITY, (_m, hex: string | undefined, dec: string | undefined, named: string | undefined) => {
    if (named !== undefined) return NAMED[named] ?? '';
    const code = hex !== undefined ? parseInt(hex, 16) : Number(dec);
    return code >= 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '';
  });
}

/** A string cell's text: XML-decoded, then OOXML `_xHHHH_` escapes decoded (`_x005F_` escapes the underscore). */
export function decodeOoxmlText(text: string): string {
  const decoded = decodeXml(text);
  if (!decoded.includes('_x')) return decoded;
  return decoded.replace(OOXML_ESCAPE, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/**
 * The text of a string item (`<si>` or `<is>` content): its `<t>` elements joined, leaving out
 * phonetic runs (`<rPh>`), which hold readings, not the value.
 */
export function stringItemText(inner: string): string {
  const body = inner.includes('<rPh') ? inner.replace(/<rPh\b[\s\S]*?<\/rPh>/g, '') : inner;
  let out = '';
  let at = 0;
  for (;;) {
    const open = body.indexOf('<t', at);
    if (open < 0) break;
    const next = body.charAt(open + 2);
    if (next !== '>' && next !== ' ' && next !== '/') {
      at = open + 2;
      continue;
    }
    const tagEnd = body.indexOf('>', open);
    if (tagEnd < 0) break;
    if (body.charAt(tagEnd - 1) === '/') {
      at = tagEnd + 1;
      continue;
    }
    const close = body.indexOf('</t>', tagEnd);
    if (close < 0) break;
    out += body.slice(tagEnd + 1, close);
    at = close + 4;
  }
  return decodeOoxmlText(out);
}
