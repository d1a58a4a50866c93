import { annotateManifest, proposeAnnotations, scanImage } from '@elfkit/image';
import { directoryLayoutWriter, nodeCrc32, nodeHasher } from '@elfkit/image/node';
import { defineCommand } from '../command.js';
import { toJson } from '../format/json.js';
import { imageOptions, openCliImage, splitImageRef } from '../image/open.js';
import { writeWarnings } from '../image/scan-text.js';
import { writeErr, writeOut } from '../io/output.js';

export const imageAnnotateCommand = defineCommand({
  command: 'annotate <image>',
  describe: 'add org.opencontainers.image.revision/.source (from the binaries\' stamps) and dev.elfkit.debug.* keys to the image manifest of an OCI layout (index.json updated, nothing else changed)',
  builder: (y) =>
    y
      .positional('image', { type: 'string', demandOption: true, describe: 'OCI layout directory (LAYOUT:TAG picks a tag)' })
      .options(imageOptions)
      .option('revision', { type: 'string', describe: 'org.opencontainers.image.revision (default: the commit the stamps name)' })
      .option('source', { type: 'string', describe: 'org.opencontainers.image.source (default: the remote the stamps name)' })
      .option('debug-ref', { type: 'string', describe: 'dev.elfkit.debug.ref: where the debug files are served (a debuginfod URL)' })
      .option('dry-run', { type: 'boolean', default: false, describe: 'print the annotations, write nothing' })
      .option('json', { type: 'boolean', default: false, describe: 'print the result as JSON' })
      .example('$0 image annotate ./layout:v1 --debug-ref https://debuginfod.example.com', ''),
  handler: async (a: { image: string; platform?: string; tag?: string; revision?: string; source?: string; 'debug-ref'?: string; 'dry-run': boolean; json: boolean }) => {
    const opened = await openCliImage(a.image, a);
    try {
      const scan = await scanImage(opened.image, { crc32: nodeCrc32 });
      writeWarnings(a.image, scan);
      const proposed = proposeAnnotations(scan.files, { revision: a.revision, source: a.source, debugRef: a['debug-ref'] });
      for (const n of proposed.notes) writeErr(`elfkit: ${a.image}: ${n}\n`);
      const result = a['dry-run'] ? undefined : await annotateManifest(opened.image, directoryLayoutWriter(splitImageRef(a.image).path), proposed.annotations, nodeHasher);
      if (a.json) {
        writeOut(toJson({ annotations: proposed.annotations, notes: proposed.notes, manifest: result ?? null }) + '\n');
        return;
      }
      let text = Object.entries(proposed.annotations).map(([k, v]) => `${k}=${v}\n`).join('');
      if (result) text += `manifest ${result.oldDigest} -> ${result.digest}\n`;
      writeOut(text);
    } finally {
      await opened.close();
    }
  },
});
