/**
 * A DWARF 2–5 reader, independent of the container: give it a section
 * loader (`name → bytes`) and the byte order. Units (32- and 64-bit, every
 * unit type, `.debug_types`), a lazy DIE cursor, every standard and GNU
 * form with raw and resolved values, range and location lists, DWARF
 * expressions, line programs streamed row by row, split DWARF (`.dwo`,
 * `.dwp`) and separate debug files through a host that opens files.
 *
 * @example
 * ```ts
 * import { Dwarf, DW_AT_name } from '@elfkit/dwarf';
 * const dwarf = Dwarf.load((name) => sections.get(name), { order: 'little' });
 * for (const unit of dwarf.units()) {
 *   const c = unit.entries();
 *   while (c.next()) {
 *     const name = c.attr(DW_AT_name);
 *     if (name) console.log(c.depth, unit.attrString(name));
 *   }
 * }
 * ```
 * @packageDocumentation
 */
export * from './constants.js';
export { Dwarf, type DwarfOptions, type ErrorSink } from './dwarf.js';
export { DwarfSections, sectionName, type GrowingSection, type GrowingSectionSource, type SectionId, type SectionLoader } from './sections.js';
export { Unit, type Die, type UnitRoot, type ResolvedRef } from './unit.js';
export { streamUnits, SectionWindow } from './unit-stream.js';
export { readUnitHeader, UnitHeaderError, type UnitHeader } from './unit-header.js';
export { DieCursor, blockBounds, type CursorUnit } from './cursor.js';
export { Abbrev, AbbrevTable, parseAbbrevTable } from './abbrev.js';
export { attrBigInt, attrNumber, type Attribute, type AttrValue, type MutableAttribute } from './attribute.js';
export { fixedFormSize, formClass, readFormValue, type FormClass } from './forms.js';
export { readInitialLength, readOffset, type Encoding, type InitialLength } from './encoding.js';
export { decodeExpression, OperationCursor, type Operation, type OperandValue } from './expression.js';
export {
  rangeList,
  locationList,
  ListCursor,
  type ListFormat,
  readListsHeader,
  listOffset,
  type AddressRange,
  type ListContext,
  type RangeListEntry,
  type LocationListEntry,
  type ListsHeader,
} from './lists.js';
export { arangeSets, arangeSpans, type ArangeSet, type ArangeEntry, type ArangeSpans } from './aranges.js';
export { LineProgram, LineCursor, readLineHeader, type LineProgramHeader, type LineRow, type FileEntry, type EntryFormat, type LineProgramContext, type LineStringResolver } from './line.js';
export { StringSection } from './strings.js';
export { parseDwpIndex, type DwpIndex, type DwpIndexRow, type Contribution, type Contributions } from './dwp.js';
export { SplitResolver, type SplitLookup } from './split.js';
export {
  crc32,
  parseDebugLink,
  parseDebugAltLink,
  parseDebugSup,
  separateDebugCandidates,
  findSeparateDebugFile,
  dwoCandidates,
  dwpCandidates,
  DEFAULT_DEBUG_DIRECTORIES,
  type DebugFileHost,
  type DebugFile,
  type DebugLink,
  type DebugAltLink,
  type DebugSup,
  type DebugFileCandidate,
} from './debug-files.js';
export { joinPath, dirname, basename, isAbsolutePath } from './paths.js';
export {
  DW_EH_PE_absptr,
  DW_EH_PE_uleb128,
  DW_EH_PE_udata2,
  DW_EH_PE_udata4,
  DW_EH_PE_udata8,
  DW_EH_PE_signed,
  DW_EH_PE_sleb128,
  DW_EH_PE_sdata2,
  DW_EH_PE_sdata4,
  DW_EH_PE_sdata8,
  DW_EH_PE_pcrel,
  DW_EH_PE_textrel,
  DW_EH_PE_datarel,
  DW_EH_PE_funcrel,
  DW_EH_PE_aligned,
  DW_EH_PE_indirect,
  DW_EH_PE_omit,
  readEncodedPointer,
  encodedPointerSize,
  pointerEncodingName,
  type PointerBases,
} from './eh-pointer.js';
export {
  CfaInstructionCursor,
  cfaInstructionName,
  decodeCfaInstructions,
  DW_CFA_MIPS_advance_loc8,
  DW_CFA_GNU_window_save,
  DW_CFA_AARCH64_negate_ra_state,
  DW_CFA_GNU_args_size,
  DW_CFA_GNU_negative_offset_extended,
  type CfaContext,
  type CfaInstruction,
} from './cfa-instruction.js';
export { type Cie, type Fde, type FrameTerminator, type FrameEntry, type FrameSectionKind } from './frame-entry.js';
export { FrameSection, type FrameSectionOptions } from './frame-section.js';
export { unwindRows, unwindTable, unwindRowFor, cieInitialState, UnwindRowMachine, AARCH64_RA_SIGN_STATE, type CieRules, type UnwindRow, type CfaRule, type RegisterRule, type UnwindTableOptions } from './unwind-table.js';
export { EhFrameHdr } from './eh-frame-hdr.js';
export { CallFrameInfo, type CallFrameSources, type CallFrameOptions, type UnwindInfo } from './call-frame-info.js';
export { evaluateExpression, EvaluationError, type EvaluationContext, type EvaluationResult, type EvaluationFailure } from './evaluate.js';
export { DwarfTypes, type DwarfTypesOptions } from './dwarf-types.js';
export {
  TypeBase,
  BaseType,
  UnspecifiedType,
  OtherType,
  PointerType,
  PtrToMemberType,
  TypedefType,
  QualifiedType,
  Member,
  StructType,
  ArrayType,
  EnumType,
  FunctionType,
  isQualifier,
  type DwarfType,
  type TypeKind,
  type DieRef,
  type TypeResolver,
  type TypeInfo,
  type ArrayDimension,
  type Enumerator,
} from './type.js';
export { TypeReader } from './type-reader.js';
export { type MemberAt } from './member-path.js';
export { typeName, declaration, isGoType } from './type-name.js';
export { TypeLookupError } from './type-lookup-error.js';
export { DwarfVariable, type StaticLocation } from './variable.js';
export { DwarfConstant } from './constant.js';
export { DwarfFunction, FunctionParam } from './function.js';
export { type ConstValue, constInteger, constValue } from './const-value.js';
export { NameIndex, type NameEntry, type NameKind } from './name-index.js';
