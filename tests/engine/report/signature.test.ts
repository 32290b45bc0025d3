import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import { isSignedByHarmonizer, signPng } from "../../../engine/report/signature.ts";

describe("the mark on the files written beside a result", () => {
  it("keeps a signed PNG readable, with the same pixels, and tells it from an unsigned one", () => {
    const png = new PNG({ width: 3, height: 2 });
    png.data.fill(200);
    const plain = new Uint8Array(PNG.sync.write(png));
    const signed = signPng(plain);
    const back = PNG.sync.read(Buffer.from(signed));
    expect([back.width, back.height]).toEqual([3, 2]);
    expect(Buffer.from(back.data).equals(Buffer.from(png.data))).toBe(true);
    expect(isSignedByHarmonizer(signed)).toBe(true);
    expect(isSignedByHarmonizer(plain)).toBe(false);
  });

  it("recognises the page's generator tag and the report's generator field, and nothing else", () => {
    const encode = (text: string) => new TextEncoder().encode(text);
    expect(isSignedByHarmonizer(encode('<head>\n<meta name="generator" content="Emotions Harmonizer">'))).toBe(true);
    expect(isSignedByHarmonizer(encode('{\n  "generator": "Emotions Harmonizer",\n  "engine": "remix"'))).toBe(true);
    expect(isSignedByHarmonizer(encode("<html><head><title>My notes on Emotions Harmonizer</title>"))).toBe(false);
  });
});
