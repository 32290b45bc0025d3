import { isOggPage } from "../ogg.ts";
import { concat } from "./bytes.ts";

/**
 * The packets of one logical Ogg stream (RFC 3533), in order, read back from its pages: a packet continues across
 * pages while its lacing values are 255. Used on the pages an encoder library wrote, to lay them out again.
 */
export function oggPackets(bytes: Uint8Array): Uint8Array[] {
  const packets: Uint8Array[] = [];
  let parts: Uint8Array[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    if (!isOggPage(bytes, offset)) throw new Error(`not an Ogg page at byte ${offset}`);
    const segments = bytes[offset + 26]!;
    let body = offset + 27 + segments;
    for (let i = 0, start = body; i < segments; i++) {
      const lacing = bytes[offset + 27 + i]!;
      body += lacing;
      if (lacing < 255) {
        parts.push(bytes.subarray(start, body));
        packets.push(concat(parts));
        parts = [];
        start = body;
      } else if (i === segments - 1) {
        parts.push(bytes.subarray(start, body));
      }
    }
    offset = body;
  }
  if (parts.length > 0) throw new Error("the last Ogg packet is cut short");
  return packets;
}
