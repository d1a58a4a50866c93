import type { ElfFile } from '@elfkit/elf';
import { findPclntab, openGoSymbols, type GoImage, type GoSymbols } from '@elfkit/gosym';
import { CliError } from '../errors.js';
import { goImage } from '@elfkit/symbolize';

const images = new WeakMap<ElfFile, GoImage>();
const opened = new WeakMap<ElfFile, GoSymbols | null>();

/** The Go image of `elf` (one per file, so sections and segments are read once). */
export function imageOf(elf: ElfFile): GoImage {
  let img = images.get(elf);
  if (!img) images.set(elf, (img = goImage(elf)));
  return img;
}

/** True when `elf` has a pclntab (section, symbol or found by a scan). */
export function hasPclntab(elf: ElfFile): boolean {
  const o = opened.get(elf);
  return o !== undefined ? o !== null : findPclntab(imageOf(elf)) !== undefined;
}

/** The pclntab of `elf`, or undefined when it has none; a damaged one throws its ParseError. */
export function goSymbolsOf(elf: ElfFile): GoSymbols | undefined {
  let o = opened.get(elf);
  if (o === undefined) opened.set(elf, (o = openGoSymbols(imageOf(elf)) ?? null));
  return o ?? undefined;
}

/** The pclntab of `elf`; a CliError when it has none. */
export function requireGoSymbols(elf: ElfFile): GoSymbols {
  const s = goSymbolsOf(elf);
  if (!s) throw new CliError('no Go pclntab in this file (not a Go binary)');
  return s;
}
