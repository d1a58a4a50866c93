/**
 * A function name as the runtime's traceback prints it (`printFuncName`):
 * `runtime.gopanic` is `panic`, and the shape arguments of a generic
 * instantiation are `[...]` (`main.F[go.shape.int]` → `main.F[...]`,
 * `main.(*T[go.shape.int]).M[go.shape.string]` → `main.(*T[...]).M[...]`).
 */
export function printName(name: string): string {
  if (name === 'runtime.gopanic') return 'panic';
  const i = name.indexOf('[');
  if (i < 0) return name;
  const j = name.lastIndexOf(']');
  if (j <= i) return name;
  const interior = name.slice(i + 1, j);
  if (!interior.includes('[')) return `${name.slice(0, i)}[...]${name.slice(j + 1)}`;
  // A generic method of a generic type: "…]___[…" inside the outer brackets.
  let depth = 1;
  let rbr = -1;
  let lbr = -1;
  for (let k = 0; k < interior.length; k++) {
    const c = interior[k];
    if (c === '[') {
      depth++;
      if (depth !== 1) continue;
      lbr = k;
      break;
    }
    if (c === ']') {
      depth--;
      if (depth < 0) break;
      if (depth !== 0) continue;
      rbr = k;
    }
  }
  if (depth === 1) {
    if (rbr >= 0 && lbr > rbr) return `${name.slice(0, i)}[...]${interior.slice(rbr + 1, lbr)}[...]${name.slice(j + 1)}`;
    if (rbr === -1 && lbr === -1) return `${name.slice(0, i)}[...]${name.slice(j + 1)}`;
  }
  return name;
}
