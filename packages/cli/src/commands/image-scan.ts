import { writeFileSync } from 'node:fs';
import { cycloneDx, scanImage } from '@elfkit/image';
import { nodeCrc32 } from '@elfkit/image/node';
import { defineCommand } from '../command.js';
import { toJson } from '../format/json.js';
import { imageOptions, openCliImage } from '../image/open.js';
import { scanProgress } from '../image/progress.js';
import { fileText, imageText, summaryText, warningLines } from '../image/scan-text.js';
import { writeErr, writeOut } from '../io/output.js';

/**
 * Warnings that mean part of the image could not be read (exit status 1).
 * The others are facts about what it holds: a sparse file, a link out of
 * the root, a file that starts like ELF and is not (test data often is),
 * which the image itself carries intact.
 */
const DAMAGE = new Set(['layer-damaged']);

export const imageScanCommand = defineCommand({
  command: 'scan <image>',
  describe: 'every ELF file in the image\'s final file system: type, machine, interpreter, NEEDED, build id, debug info location, Go modules, stamp; then a summary',
  builder: (y) =>
    y
      .positional('image', { type: 'string', demandOption: true, describe: 'OCI layout directory, oci-archive or docker save tarball (gzip\'d too); IMAGE:TAG picks a tag' })
      .options(imageOptions)
      .option('json', { type: 'boolean', default: false, describe: 'print the report as JSON (docs/json-image.md)' })
      .option('ndjson', { type: 'boolean', describe: 'one JSON object per line: the image, each ELF file, the summary' })
      .option('sbom', { type: 'string', choices: ['cyclonedx'], describe: 'print a CycloneDX 1.6 SBOM (JSON) instead of the report' })
      .option('output', { alias: 'o', type: 'string', describe: 'write the report or SBOM to this file' })
      .conflicts('json', 'ndjson')
      .example('$0 image scan app.tar', '')
      .example('$0 image scan ./layout:v2 --platform linux/arm64 --json', '')
      .example('$0 image scan app.tar --sbom cyclonedx -o app.cdx.json', ''),
  handler: async (a: { image: string; platform?: string; tag?: string; json: boolean; ndjson?: boolean; sbom?: string; output?: string }) => {
    const opened = await openCliImage(a.image, a);
    let result;
    const progress = await scanProgress('scanning');
    try {
      result = await scanImage(opened.image, { crc32: nodeCrc32, keepGoing: true, onProgress: (p) => progress.update(p) });
    } finally {
      progress.stop();
      await opened.close();
    }
    // Warnings after the report; a damaged layer makes the exit status 1, as a damaged part does for every command.
    const warnings = warningLines(a.image, result);
    const damaged = result.warnings.some((w) => DAMAGE.has(w.code));
    const finish = () => {
      if (warnings) writeErr(warnings);
      if (damaged) process.exitCode = 1;
    };
    let text: string;
    if (a.sbom) text = toJson(cycloneDx(result, { toolVersion: process.env.npm_package_version })) + '\n';
    else if (a.json) text = toJson(result) + '\n';
    else if (a.ndjson) {
      const { files, summary, ...image } = result;
      text = [JSON.stringify({ image }), ...files.map((f) => JSON.stringify({ file: f })), JSON.stringify({ summary })].join('\n') + '\n';
    } else {
      text = imageText(result) + '\n' + result.files.map(fileText).join('\n') + (result.files.length ? '\n' : '') + summaryText(result);
    }
    if (a.output) writeFileSync(a.output, text);
    else writeOut(text);
    finish();
  },
});
