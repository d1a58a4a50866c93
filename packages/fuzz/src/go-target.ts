import type { ElfFile } from '@elfkit/elf';
import { readSegments, type GoImage, type ImageSection, type ImageSegment } from '@elfkit/gosym';
import { goImage as goImageOf } from '@elfkit/symbolize/go-image';
import { FieldList } from './fields.js';
import { fixtureElf } from './sources.js';
import { defineTarget, type FuzzTarget, type Probe } from './target.js';

/** An ELF file's sections, segments and symbols as the Go readers see them, read once. */
export interface ImageParts {
  readonly elf: ElfFile;
  readonly image: GoImage;
}

/** Fixture `name` and the Go readers' view of it (the adapter the CLI and size use). */
export function elfGoImage(name: string): ImageParts {
  const elf = fixtureElf(name);
  return { elf, image: goImageOf(elf) };
}

/**
 * `base` with the section `name` holding `bytes` instead: the section, and
 * the segment bytes and memory reads that cover its address, all see the
 * replacement (as they would in the damaged file).
 */
export function patchedImage(base: GoImage, name: string, bytes: Uint8Array): GoImage {
  const sec = base.section(name);
  if (!sec) return base;
  const start = sec.address;
  const overlay = (segAddr: bigint, data: Uint8Array): Uint8Array => {
    const rel = start - segAddr;
    if (rel < 0n || rel >= BigInt(data.length)) return data;
    const out = data.slice();
    const at = Number(rel);
    out.set(bytes.subarray(0, Math.min(bytes.length, sec.size, out.length - at)), at);
    return out;
  };
  const segments: ImageSegment[] = base.segments.map((p) => {
    let cached: Uint8Array | undefined;
    return { ...p, data: () => (cached ??= overlay(p.address, p.data())) };
  });
  const patched: ImageSection = { name, address: start, size: bytes.length, data: () => bytes };
  // Where the replacement shows in memory: inside the file bytes of the segment holding the section, as `overlay` puts it.
  const home = base.segments.find((p) => p.kind === 'load' && start >= p.address && start < p.address + BigInt(p.fileSize));
  const patchEnd = home ? start + BigInt(Math.min(bytes.length, sec.size, Number(home.address + BigInt(home.fileSize) - start))) : start;
  return {
    order: base.order,
    pointerSize: base.pointerSize,
    hasSections: base.hasSections,
    section: (n) => (n === name ? patched : base.section(n)),
    symbol: (n) => base.symbol(n),
    segments,
    // A memory read copies only what it reads: the intact bytes, with the replacement's share laid over them.
    // (Overlaying the whole segment on the first read copied a megabyte per input: half a Go target's time.)
    read: (a, n) => {
      const intact = readSegments(base.segments, a, n);
      if (!intact) return intact;
      const lo = a > start ? a : start;
      const hi = a + BigInt(n) < patchEnd ? a + BigInt(n) : patchEnd;
      if (lo >= hi) return intact;
      const out = intact.slice();
      out.set(bytes.subarray(Number(lo - start), Number(hi - start)), Number(lo - a));
      return out;
    },
  };
}

/** A Go target's context: the intact image and the section the input replaces. */
export interface GoContext {
  readonly image: GoImage;
  readonly section: string;
}

/** What a Go target is: the section it mutates in each fixture and the reads it makes. */
export interface GoTargetSpec {
  readonly name: string;
  readonly describe: string;
  readonly section: string;
  readonly fixtures: readonly string[];
  /** Turns a fixture's section into a seed (a smaller table, say); default as it is. */
  prepare?(bytes: Uint8Array, parts: ImageParts): Uint8Array;
  /** Names the header and table fields of the (prepared) section. */
  structure?(bytes: Uint8Array, fields: FieldList, parts: ImageParts): void;
  /** Reads what the target covers from the patched image, each part in `probe.attempt`. */
  read(image: GoImage, probe: Probe, input: Uint8Array): unknown;
  readonly typedErrors?: (e: unknown) => boolean;
  /** Extra seeds that need no fixture (formats no fixture has). */
  extraSeeds?(): { name: string; bytes: Uint8Array; image: GoImage }[];
}

/** A target whose input is one section of a Go binary; the rest of the binary stays intact. */
export function goTarget(spec: GoTargetSpec): FuzzTarget<GoContext> {
  return defineTarget({
    name: spec.name,
    describe: spec.describe,
    resizable: true,
    typedErrors: spec.typedErrors,
    seeds: () => {
      const seeds = spec.fixtures.map((fixture) => {
        const parts = elfGoImage(fixture);
        const sec = parts.image.section(spec.section);
        if (!sec) throw new Error(`fuzz target ${spec.name}: ${fixture} has no ${spec.section}`);
        const bytes = spec.prepare ? spec.prepare(sec.data(), parts) : sec.data();
        const fields = new FieldList(bytes.length);
        spec.structure?.(bytes, fields, parts);
        return { name: `${fixture} ${spec.section}`, bytes, order: parts.image.order, fields: fields.fields, context: { image: parts.image, section: spec.section } };
      });
      for (const x of spec.extraSeeds?.() ?? []) seeds.push({ name: x.name, bytes: x.bytes, order: x.image.order, fields: [], context: { image: x.image, section: spec.section } });
      return seeds;
    },
    run: (input, seed, probe) => spec.read(patchedImage(seed.context.image, seed.context.section, input), probe, input),
  });
}
