import { debugTreeBytes, planDebugTree, scanImage } from '@elfkit/image';
import { nodeCrc32 } from '@elfkit/image/node';
import { defineCommand } from '../command.js';
import { toJson } from '../format/json.js';
import { renderTable } from '../format/table.js';
import { imageOptions, openCliImage } from '../image/open.js';
import { scanProgress } from '../image/progress.js';
import { writeWarnings } from '../image/scan-text.js';
import { writeUnder } from '../image/write-tree.js';
import { writeOut } from '../io/output.js';

const REASON = { 'no-build-id': 'no build id', 'no-debug-info': 'no debug information in the image', unreadable: 'not readable' } as const;

export const imageDebugSplitCommand = defineCommand({
  command: 'debug-split <image>',
  describe: 'write the image\'s debug information as a .build-id/xx/yyyy.debug tree: separate debug files found in it, and --only-keep-debug copies of unstripped binaries',
  builder: (y) =>
    y
      .positional('image', { type: 'string', demandOption: true, describe: 'OCI layout directory, oci-archive or docker save tarball' })
      .options(imageOptions)
      .option('output', { alias: 'o', type: 'string', demandOption: true, describe: 'directory for the .build-id tree (made if missing; nothing is written outside it)' })
      .option('json', { type: 'boolean', default: false, describe: 'print what was written as JSON' })
      .example('$0 image debug-split app.tar -o debug/', '')
      .example('debuginfod -F debug/  # serve it', ''),
  handler: async (a: { image: string; platform?: string; tag?: string; output: string; json: boolean }) => {
    const opened = await openCliImage(a.image, a);
    const progress = await scanProgress('reading');
    try {
      const scan = await scanImage(opened.image, { crc32: nodeCrc32, onProgress: (p) => progress.update(p) });
      progress.stop();
      writeWarnings(a.image, scan);
      const plan = planDebugTree(scan.files);
      const written: { buildId: string; path: string; from: string; source: string; binaries: readonly string[]; size: number }[] = [];
      for (const f of plan.files) {
        const bytes = await debugTreeBytes(opened.image, f);
        await writeUnder(a.output, f.path, bytes);
        written.push({ ...f, size: bytes.length });
      }
      if (a.json) {
        writeOut(toJson({ output: a.output, files: written, skipped: plan.skipped }) + '\n');
        return;
      }
      const rows = written.map((w) => [w.path, w.from, w.source, w.binaries.filter((b) => b !== w.source).join(', ')]);
      let text = rows.length ? renderTable([{ title: 'FILE' }, { title: 'FROM' }, { title: 'SOURCE' }, { title: 'FOR' }], rows) : '';
      for (const s of plan.skipped) text += `skipped ${s.path}: ${REASON[s.reason]}\n`;
      text += `${written.length} debug file${written.length === 1 ? '' : 's'} written to ${a.output}\n`;
      writeOut(text);
    } finally {
      progress.stop();
      await opened.close();
    }
  },
});
