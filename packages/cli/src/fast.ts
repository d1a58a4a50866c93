/**
 * Commands served without yargs and without loading every command module:
 * each costs Node tens of milliseconds to compile, more than the work of a
 * command that reads a few hundred bytes. An entry here must print exactly
 * what its full command prints; anything it does not recognise (options,
 * help) goes to the full CLI.
 */
export async function runFast(argv: readonly string[]): Promise<number | undefined> {
  // `elfkit go buildinfo <files…>`: the `go version -m` replacement, often run over many binaries.
  if (argv[0] === 'go' && argv[1] === 'buildinfo' && argv.length > 2 && argv.slice(2).every((a) => a === '-' || !a.startsWith('-'))) {
    const { goBuildinfoText } = await import('./go/buildinfo-text.js');
    return goBuildinfoText(argv.slice(2));
  }
  // `elfkit stamp <file> …`: runs in every build; its own parser, from the
  // option table the yargs command uses too (src/stamp/options.ts).
  if (argv[0] === 'stamp') {
    const { stampFastPath } = await import('./stamp/fast.js');
    return stampFastPath([...argv]);
  }
  return undefined;
}
