import * as C from '@elfkit/elf/constants';
import type { Segment } from '@elfkit/elf';
import type { ImageSegment } from '@elfkit/gosym';

/**
 * An ELF PT_LOAD or PT_NOTE program header as the Go readers' segment.
 * Only constants are loaded, so the stamp command can use it without the
 * whole ELF reader.
 */
export function imageSegment(p: Segment, data: () => Uint8Array): ImageSegment {
  return {
    kind: p.type === C.PT_LOAD ? 'load' : 'note',
    address: p.vaddr,
    memorySize: p.memsz,
    fileSize: p.filesz,
    readable: (p.flags & C.PF_R) !== 0,
    writable: (p.flags & C.PF_W) !== 0,
    executable: (p.flags & C.PF_X) !== 0,
    align: Number(p.align),
    data,
  };
}
