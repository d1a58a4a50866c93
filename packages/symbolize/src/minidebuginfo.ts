import { BytesSource } from '@elfkit/binary';
import { ElfFile } from '@elfkit/elf';
import * as C from '@elfkit/elf/constants';
import type { SymbolizeHost } from './host.js';

/**
 * The MiniDebugInfo of `elf` (Fedora, RHEL and other distributions strip
 * `.symtab` and keep an xz-compressed ELF with the local function symbols
 * in `.gnu_debugdata`), parsed; undefined when there is none. The xz
 * decoder (WebAssembly) is loaded only here.
 */
export async function openMiniDebugInfo(elf: ElfFile, host: Pick<SymbolizeHost, 'xz' | 'decompressors'>): Promise<ElfFile | undefined> {
  const s = elf.section('.gnu_debugdata');
  if (!s || s.type === C.SHT_NOBITS || s.size === 0) return undefined;
  const packed = elf.sectionData(s);
  const bytes = host.xz ? await host.xz(packed) : await xzDecode(packed);
  return ElfFile.parse(new BytesSource(bytes), { decompressors: host.decompressors });
}

/** Decodes a whole `.xz` stream with `xz-decompress` (xz-embedded built to WebAssembly). */
export async function xzDecode(data: Uint8Array): Promise<Uint8Array> {
  const mod = (await import('xz-decompress')) as unknown as { XzReadableStream?: XzStreamClass; default?: { XzReadableStream: XzStreamClass } };
  const Xz = mod.XzReadableStream ?? mod.default!.XzReadableStream;
  const input = new ReadableStream<Uint8Array>({
    start(c) {
      c.enqueue(data);
      c.close();
    },
  });
  const reader = new Xz(input).getReader();
  const parts: Uint8Array[] = [];
  let n = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
    n += value.length;
  }
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

type XzStreamClass = new (s: ReadableStream<Uint8Array>) => ReadableStream<Uint8Array>;
