/**
 * The Go package a symbol name belongs to.
 *
 * Functions and variables are named `import/path.Name` (methods
 * `path.(*T).M`, closures `path.F.func1`, generic instances
 * `path.F[go.shape.int]`): the package is everything up to the first dot
 * after the last slash, once the instantiation brackets are removed
 * (debug/gosym's `Sym.PackageName`). Compiler-generated data has prefixes
 * (`type:`, `go:` since Go 1.20; `type.`, `go.string.` … before) that no
 * package can have, since `type` and `go` are keywords.
 */

/** Prefixes of generated symbols in Go ≤ 1.19, which spelled `go:` as `go.`. */
const OLD_GENERATED = /^go\.(string|func|itab|info|buildid|importpath|shape|weak|builtin|map|link|cuinfo|constinfo|range|loc|debuglines|track|interface|funcrel|typelink|itablink|gcbits)\b/;

/** The name without generic instantiation brackets (`F[go.shape.int]` → `F`). */
function withoutInstantiation(name: string): string {
  const open = name.indexOf('[');
  if (open < 0) return name;
  const close = name.lastIndexOf(']');
  return close > open ? name.slice(0, open) + name.slice(close + 1) : name;
}

/**
 * The import path of a Go function or variable name, or '' for names
 * with no package (compiler-generated ones, and names without a dot).
 */
export function goPackageOf(name: string): string {
  if (name.startsWith('type:') || name.startsWith('go:') || name.startsWith('type.') || OLD_GENERATED.test(name)) return '';
  const n = withoutInstantiation(name);
  const slash = n.lastIndexOf('/');
  const dot = n.indexOf('.', slash < 0 ? 0 : slash);
  return dot > 0 ? n.slice(0, dot) : '';
}

/**
 * The package whose type a type descriptor name describes, peeling
 * pointers, slices, arrays and channels (`type:*[]net/http.Header` →
 * `net/http`); '' for builtin and unnamed composite types.
 */
export function goTypePackageOf(typeName: string): string {
  let s = typeName;
  for (;;) {
    if (s.startsWith('*')) s = s.slice(1);
    else if (s.startsWith('[]')) s = s.slice(2);
    else if (s.startsWith('chan ')) s = s.slice(5);
    else if (s.startsWith('<-chan ')) s = s.slice(7);
    else if (s.startsWith('chan<- ')) s = s.slice(7);
    else if (/^\[\d+\]/.test(s)) s = s.slice(s.indexOf(']') + 1);
    else break;
  }
  if (s.startsWith('map[') || s.startsWith('func(') || s.startsWith('struct {') || s.startsWith('interface {') || s.startsWith('noalg.')) return '';
  // Equality and hash functions: `.eq.pkg.T`.
  if (s.startsWith('.eq.') || s.startsWith('.hash.')) return goTypePackageOf(s.slice(s.indexOf('.', 1) + 1));
  if (s.startsWith('.')) return '';
  return goPackageOf(s);
}

/**
 * A label for a compiler-generated Go symbol in the packages view: the
 * package of the type for type descriptors and itabs, else a bracketed
 * group (`[Go types]`, `[Go strings]`, `[Go funcdata]`, `[Go runtime data]`).
 */
export function goGeneratedLabel(name: string): string {
  for (const p of ['type:', 'type.']) {
    if (name.startsWith(p)) return goTypePackageOf(name.slice(p.length)) || '[Go types]';
  }
  for (const p of ['go:itab.', 'go.itab.']) {
    if (name.startsWith(p)) return goTypePackageOf(name.slice(p.length).split(',')[0]!) || '[Go types]';
  }
  if (name.startsWith('go:string.') || name.startsWith('go.string.')) return '[Go strings]';
  if (name.startsWith('go:func.') || name.startsWith('go.func.')) return '[Go funcdata]';
  return '[Go runtime data]';
}
