/**
 * The edits a rewrite plan is made of. They are applied in order to a model
 * of the section list, then laid out and written in one pass, so
 * `add X` followed by `remove X` in one plan is no change at all.
 */

/** Add a section. */
export interface AddSection {
  readonly op: 'add';
  /** Section name; must not exist yet. */
  readonly name: string;
  /** Contents. For a note section they must be well-formed notes. */
  readonly data: Uint8Array;
  /**
   * sh_type; default SHT_NOTE for names starting `.note` (except
   * `.note.GNU-stack`), else SHT_PROGBITS — objcopy's rule.
   */
  readonly type?: number;
  /** sh_flags (SHF_*); default 0 (not loaded). `loadable` adds SHF_ALLOC. */
  readonly flags?: number;
  /** sh_addralign; default 1 (objcopy's choice, notes included), 4 for loadable notes. */
  readonly align?: number;
  /**
   * Make the section part of the memory image: an SHF_ALLOC section covered
   * by a new PT_LOAD and, for notes, a PT_NOTE, so the running program finds
   * it through `dl_iterate_phdr`.
   */
  readonly loadable?: boolean;
}

/** Replace a section's contents (any size for sections outside segments; no larger than its place inside one). */
export interface UpdateSection {
  readonly op: 'update';
  readonly name: string;
  readonly data: Uint8Array;
}

/** Remove a section header (and its bytes, when they are not part of a segment). */
export interface RemoveSection {
  readonly op: 'remove';
  readonly name: string;
}

/** Rename a section. */
export interface RenameSection {
  readonly op: 'rename';
  readonly name: string;
  readonly to: string;
}

/** One step of a rewrite plan. */
export type SectionEdit = AddSection | UpdateSection | RemoveSection | RenameSection;

/** Why a plan cannot be applied to a file. */
export type RewriteErrorCode = 'exists' | 'missing' | 'does-not-fit' | 'invalid' | 'unsupported' | 'in-use';

/** A plan that does not fit the file: one line for the user, and a stable code. */
export class RewriteError extends Error {
  override readonly name = 'RewriteError';
  constructor(
    readonly code: RewriteErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** True when `e` is a {@link RewriteError} (also across package copies). */
export function isRewriteError(e: unknown): e is RewriteError {
  return e instanceof RewriteError || (e instanceof Error && e.name === 'RewriteError' && typeof (e as RewriteError).code === 'string');
}
