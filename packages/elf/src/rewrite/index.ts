/**
 * The ELF writer: section edits as a plan, laid out and written in one pass.
 * Parser-side code only — no I/O: callers get a {@link RewriteResult} (the
 * output size and the patches to apply over the input's bytes) and apply
 * it in memory ({@link applyRewrite}) or to a copy of the file.
 *
 * @packageDocumentation
 */
export { type SectionEdit, type AddSection, type UpdateSection, type RemoveSection, type RenameSection, RewriteError, isRewriteError, type RewriteErrorCode } from './edits.js';
export { type ElfImage, readElfImage } from './image.js';
export { type OutSection, type Plan, planEdits, defaultSectionType } from './plan.js';
export { type RewriteResult, type Write, type PlacedSection, layoutPlan, unknownBytes } from './layout.js';
export { planRewrite, applyRewrite, rewriteElf } from './write.js';
export { encodeNote } from './note.js';
export { encodeUtf8 } from "./utf8.js";
export { onlyKeepDebugPlan, onlyKeepDebug, applyPieces, type Piece, type PiecePlan } from './keep-debug.js';
