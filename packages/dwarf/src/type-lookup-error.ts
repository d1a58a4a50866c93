/**
 * A name the debug information does not have: a type, variable,
 * constant or function, or a member path inside a type. Not a
 * {@link ParseError}: the DWARF is sound, it just does not say this
 * (another Go release renamed the field, the binary was built without
 * the package…). The message names what was missing and where it looked.
 */
export class TypeLookupError extends Error {
  override readonly name = 'TypeLookupError';
  /** What was looked for: `type`, `variable`, `constant`, `function` or `member`. */
  readonly what: 'type' | 'variable' | 'constant' | 'function' | 'member';
  /** The name or member path looked up. */
  readonly key: string;
  constructor(what: TypeLookupError['what'], key: string, message: string) {
    super(message);
    this.what = what;
    this.key = key;
  }
}
