import { DwarfTypes } from '@elfkit/dwarf';
import type { ElfFile } from '@elfkit/elf';
import { CliError } from '../errors.js';
import { hasPclntab } from '../go/symbols.js';
import { openDwarf, type OpenedDwarf } from '@elfkit/symbolize';
import { NodeDebugHost } from '@elfkit/symbolize/node';

/** The types of a binary's DWARF, with where the DWARF came from. */
export interface OpenedTypes {
  readonly types: DwarfTypes;
  readonly opened: OpenedDwarf;
}

/**
 * The DWARF types of `elf` (its own DWARF or its separate debug file),
 * or undefined when there is none. `host` stays open for the lazy reads:
 * close it when done.
 */
export function openTypes(elf: ElfFile, path: string, host: NodeDebugHost, debugFileDirectory?: string[], fetched?: (buildId: string) => string | undefined): OpenedTypes | undefined {
  const opened = openDwarf(elf, path, host, { debugFileDirectory, fetched });
  if (!opened || !opened.dwarf.hasInfo) return undefined;
  return { types: DwarfTypes.of(opened.dwarf), opened };
}

/** Why a binary has no types: a Go binary built with `-ldflags=-w` says so. */
export function noTypesError(elf: ElfFile): CliError {
  if (hasPclntab(elf)) return new CliError('no DWARF: this Go binary was built without it (-ldflags=-w or -s); types, variables and constants need DWARF (the pclntab has functions and lines only)');
  return new CliError('no DWARF types (no .debug_info, and no separate debug file found)');
}
