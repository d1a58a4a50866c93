/**
 * The bundled CLI's entry, bundled twice: as the `elfkit` bin
 * (dist/elfkit.cjs) and as dist/bundle/elfkit.cjs (which dist/elfkit.mjs
 * requires): runs main from its bundle with V8's code cache (see
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
