/**
 * One of Node's internal bindings (`process.binding(name)`), or undefined
 * where it is gone. Used only where the public module that wraps it costs
 * start-up (node:v8, node:child_process), and always with a fallback to
 * that module. The access is deprecated (DEP0111); its warning is kept
 * quiet for this one look-up, so a command's stderr stays the command's.
 */
export function nodeBinding<T extends object>(name: string): Partial<T> | undefined {
  const p = process as unknown as { binding?: (name: string) => unknown; noDeprecation?: boolean };
  const quiet = p.noDeprecation;
  try {
    p.noDeprecation = true;
    const b = p.binding?.(name);
    return typeof b === 'object' && b !== null ? (b as Partial<T>) : undefined;
  } catch {
    return undefined;
  } finally {
    p.noDeprecation = quiet;
  }
}
