import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { constants as C, sectionFlagsString, sectionTypeName, segmentTypeName, symbolTypeName, dynamicTagName, fileTypeName, machineName } from '@elfkit/elf';

test('section flag letters follow readelf, in bit order', () => {
  assert.is(sectionFlagsString(C.SHF_WRITE | C.SHF_ALLOC, C.EM_X86_64, 0), 'WA');
  assert.is(sectionFlagsString(C.SHF_ALLOC | C.SHF_EXECINSTR, C.EM_X86_64, 0), 'AX');
  assert.is(sectionFlagsString(C.SHF_MERGE | C.SHF_STRINGS, C.EM_X86_64, 0), 'MS');
  assert.is(sectionFlagsString(C.SHF_COMPRESSED, C.EM_X86_64, 0), 'C');
  assert.is(sectionFlagsString(C.SHF_EXCLUDE | C.SHF_ALLOC, C.EM_X86_64, 0), 'AE');
  assert.is(sectionFlagsString(C.SHF_X86_64_LARGE | C.SHF_ALLOC, C.EM_X86_64, 0), 'Al');
  assert.is(sectionFlagsString(C.SHF_X86_64_LARGE, C.EM_AARCH64, 0), 'p');
  assert.is(sectionFlagsString(C.SHF_GNU_RETAIN, C.EM_X86_64, C.ELFOSABI_GNU), 'R');
  assert.is(sectionFlagsString(0x00100000, C.EM_X86_64, C.ELFOSABI_GNU), 'o');
  assert.is(sectionFlagsString(0x8, C.EM_X86_64, 0), 'x');
  assert.is(sectionFlagsString(2 ** 40 + C.SHF_ALLOC, C.EM_X86_64, 0), 'Ax');
});

test('type names in readelf spelling, with processor and OS ranges', () => {
  assert.is(sectionTypeName(C.SHT_X86_64_UNWIND, C.EM_X86_64), 'X86_64_UNWIND');
  assert.is(sectionTypeName(0x70000001, C.EM_ARM), 'ARM_EXIDX');
  assert.is(sectionTypeName(0x70000099, C.EM_X86_64), 'LOPROC+0x99');
  assert.is(sectionTypeName(0x60000099, C.EM_X86_64), 'LOOS+0x99');
  assert.is(sectionTypeName(C.SHT_SYMTAB_SHNDX, C.EM_X86_64), 'SYMTAB SECTION INDICES');
  assert.is(segmentTypeName(C.PT_GNU_PROPERTY, C.EM_X86_64), 'GNU_PROPERTY');
  assert.is(segmentTypeName(0x70000001, C.EM_ARM), 'EXIDX');
  assert.is(symbolTypeName(C.STT_GNU_IFUNC, C.EM_X86_64, 0), 'IFUNC');
  assert.is(dynamicTagName(0x6ffffffbn, C.EM_X86_64), 'FLAGS_1');
  assert.is(dynamicTagName(0x70000001n, C.EM_AARCH64), 'AARCH64_BTI_PLT');
  assert.is(fileTypeName(C.ET_DYN, true), 'DYN (Position-Independent Executable file)');
  assert.is(machineName(C.EM_S390), 'IBM S/390');
  assert.is(machineName(0x4242), '<unknown>: 0x4242');
});

test.run();
