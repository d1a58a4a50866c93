import type { ElfFile } from '@elfkit/elf';
import * as C from '@elfkit/elf/constants';

/**
 * Which start addresses mark code the linker discarded: the maximum address
 * (lld writes -1, and -2 in `.debug_ranges`/`.debug_loc`), or 0 when 0 lies
 * outside every executable loaded segment (GNU ld resolves references into
 * a discarded section to 0; a PIE's first segment does hold address 0, but
 * it is the read-only ELF header, never code). A relocatable object has no
 * segments; its 0 is a real section-relative address.
 */
export class Tombstones {
  private readonly zeroIsTombstone: boolean;

  /** `loads`: the PT_LOAD segments (`flags` with PF_X = 1 for executable ones). */
  constructor(loads: readonly { vaddr: bigint; memsz: bigint; flags: number }[]) {
    this.zeroIsTombstone = loads.length > 0 && !loads.some((p) => p.vaddr === 0n && p.memsz > 0n && (p.flags & 1) !== 0);
  }

  /** The tombstones of `elf`, from its PT_LOAD segments (none readable: 0 is an address). */
  static of(elf: ElfFile): Tombstones {
    let loads: { vaddr: bigint; memsz: bigint; flags: number }[] = [];
    try {
      loads = elf.segments.filter((p) => p.type === C.PT_LOAD);
    } catch {
      loads = [];
    }
    return new Tombstones(loads);
  }

  /** True when a range or sequence starting at `address` is a tombstone for `addressSize`-byte addresses. */
  isTombstoneStart(address: number | bigint, addressSize: number): boolean {
    if (typeof address === 'bigint') return address >= 0xffff_ffff_ffff_fffen;
    if (address === 0) return this.zeroIsTombstone;
    if (addressSize === 4) return address >= 0xfffffffe;
    if (addressSize === 2) return address >= 0xfffe;
    return false;
  }
}
