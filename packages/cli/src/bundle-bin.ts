/**
 * The bundled CLI's entry, bundled as the `elfkit` bin itself
 * (dist/elfkit.cjs): runs main from its bundle with V8's code cache (see
 * bundle-loader.ts). bin.ts is the same for tsc's unbundled output.
 */
import { loadBundle, settleBeforeExit } from './bundle-loader.js';
import { exitWhenIdle } from './quick-exit.js';

void loadBundle('main')
  .then((m) => (m.main as (argv: string[]) => Promise<number>)(process.argv.slice(2)))
  .then((status) => {
    process.exitCode = status;
    settleBeforeExit();
    exitWhenIdle();
  });
