/**
 * elfkit's fuzzing harness: structure-aware mutation seeded from the
 * fixtures, coverage feedback from V8's block coverage, and per-input
 * checks (only ParseError escapes, a time limit, memory kept in proportion
 * to the input). `pnpm fuzz` runs it; `test/fuzz.test.ts` runs a fixed
 * slice and replays every kept regression.
 *
 * @packageDocumentation
 */
export { Random } from './random.js';
export { FieldList, type Field, readUint, writeUint } from './fields.js';
export { Mutator, type MutationBase, type MutatorOptions, encodeLeb } from './mutate.js';
export { Probe, UnplacedParseError, defineTarget, type FuzzTarget, type Seed } from './target.js';
export { elfTarget, ElfFields, type ElfTargetSpec, type Region } from './elf-target.js';
export { dwarfTarget, dwarfWith, type DwarfContext, type DwarfTargetSpec } from './dwarf-target.js';
export { goTarget, elfGoImage, patchedImage, type GoContext, type GoTargetSpec } from './go-target.js';
export { Coverage, parserScripts } from './coverage.js';
export { Engine, type EngineOptions, type EngineStats } from './engine.js';
export { type Finding, type FindingKind, exceptionSignature, signatureId } from './finding.js';
export { fuzz, runJob, type FuzzOptions, type TargetResult } from './run.js';
export { targets, selectTargets } from './targets/index.js';
export { findingsDir, regressionsDir, regressions, regressionInput, saveFinding, storedFindings, keepFinding, type Regression, type StoredFinding } from './store.js';
export { replayRegressions } from './replay.js';
