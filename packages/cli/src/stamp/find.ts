import type { ElfImage } from '@elfkit/elf/rewrite';
import { findStamps as findStampRecords, type FoundStamp as FoundRecord } from '@elfkit/elf/stamp';
import type { StampDocument } from './document.js';

export type { StampPlacement } from '@elfkit/elf/stamp';

/** A stamp read from a file, typed as the CLI writes it. */
export type FoundStamp = FoundRecord<StampDocument & { readonly [key: string]: unknown }>;

/** Every elfkit stamp in `image` (see `@elfkit/elf/stamp`). */
export function findStamps(image: ElfImage): FoundStamp[] {
  return findStampRecords(image);
}
