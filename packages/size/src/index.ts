/**
 * Where the bytes of an ELF binary go, in bloaty's model: every byte of
 * the file and of the loaded address space is charged to exactly one
 * label, the most specific information first — sections, segments,
 * symbols, DWARF compile units, source lines, and Go's pclntab (code and
 * pclntab bytes per function and per package, split as shotizam does).
 * Sources nest (`compileunits,symbols`), two files diff, and the tree is
 * plain data, so it can be computed in a Web Worker.
 *
 * @example
 * ```ts
 * import { ElfFile } from '@elfkit/elf';
 * import { SizeModel, sizeRows, formatRows } from '@elfkit/size';
 * const model = new SizeModel(ElfFile.parse(bytes));
 * process.stdout.write(formatRows(sizeRows(model.tree(['sections']))));
 * ```
 * @packageDocumentation
 */
export { SizeModel, SizeError, DATA_SOURCES, type DataSource, type SizeOptions } from './model.js';
export { type SizeNode, NO_LABEL } from './rollup.js';
export { sizeRows, diffTrees, type SizeRow, type DiffNode, type RowOptions, type SortBy } from './rows.js';
export { formatRows, formatDelimited, formatSize, formatPercent, printfFixed, type TextOptions, type Domain } from './format.js';
export { type LabelMaps } from './map-builder.js';
export { RangeMap } from './range-map.js';
export { goLayout, GO_PART_KINDS, type GoLayout, type GoPartKind, type GoTableRange } from './go-layout.js';
export { goPackageOf, goTypePackageOf } from './go-names.js';
