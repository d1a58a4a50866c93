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
export { DwarfSections, sectionName, type SectionId, type SectionLoader } from './sections.js';
export { Unit, type Die, type UnitRoot, type ResolvedRef } from './unit.js';
export { readUnitHeader, UnitHeaderError, type UnitHeader } from './unit-header.js';
export { DieCursor, type CursorUnit } from './cursor.js';
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
export { arangeSets, type ArangeSet, type ArangeEntry } from './aranges.js';
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
export { DwarfTypes } from './dwarf-types.js';
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
