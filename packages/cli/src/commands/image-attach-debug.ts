import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { attachDebugArtifact, attachSignatureBundle, blobPathOf, scanImage } from '@elfkit/image';
import { directoryLayoutWriter, nodeCrc32, nodeHasher } from '@elfkit/image/node';
import { defineCommand } from '../command.js';
import { CliError } from '../errors.js';
import { toJson } from '../format/json.js';
import { imageOptions, openCliImage, splitImageRef } from '../image/open.js';
import { writeWarnings } from '../image/scan-text.js';
import { writeOut } from '../io/output.js';
import { unoptimizedWhileSmall } from '../late-optimization.js';
import { cosignReason, runOffline } from '../sign/cosign.js';

/**
 * The uncompressed layer size up to which fflate runs without TurboFan.
 * Unoptimized (Sparkplug's baseline code) it deflates a 13 KB layer in
 * ~7 ms, and TurboFan's compiles of it (~30 ms on a background thread)
 * were waited for at exit; measured here, the two are about equal at
 * ~100 KB (94 KB layers: no slower than with TurboFan; a 708 KB layer:
 * 1.6x slower), so past 64 KB the rest is optimized.
 */
const SMALL_LAYER = 64 << 10;

export const imageAttachDebugCommand = defineCommand({
  command: 'attach-debug <image>',
  describe: 'store the image\'s debug files as an OCI 1.1 artifact (subject: the image manifest) in the same layout; --key signs it with cosign, offline',
  builder: (y) =>
    y
      .positional('image', { type: 'string', demandOption: true, describe: 'OCI layout directory (LAYOUT:TAG picks a tag)' })
      .options(imageOptions)
      .option('key', { type: 'string', describe: 'cosign private key: sign the artifact manifest (as elfkit sign does) and store the bundle as its referrer' })
      .option('json', { type: 'boolean', default: false, describe: 'print the result as JSON' })
      .example('$0 image attach-debug ./layout', '')
      .example('COSIGN_PASSWORD=… $0 image attach-debug ./layout --key cosign.key', ''),
  handler: async (a: { image: string; platform?: string; tag?: string; key?: string; json: boolean }) => {
    const root = splitImageRef(a.image).path;
    const opened = await openCliImage(a.image, a);
    try {
      const scan = await scanImage(opened.image, { crc32: nodeCrc32 });
      writeWarnings(a.image, scan);
      const writer = directoryLayoutWriter(root);
      // SOURCE_DATE_EPOCH makes the artifact reproducible (its created time).
      const sde = process.env.SOURCE_DATE_EPOCH;
      const created = sde && /^\d+$/.test(sde) ? new Date(Number(sde) * 1000).toISOString().replace(/\.\d+Z$/, 'Z') : undefined;
      // A layer this small compresses faster unoptimized than TurboFan compiles fflate (see unoptimizedWhileSmall).
      const attached = await unoptimizedWhileSmall(SMALL_LAYER, (onLayerInput) => attachDebugArtifact(opened.image, writer, nodeHasher, { created, onLayerInput }));
      let signature: string | undefined;
      if (a.key) {
        // node:os only here: loaded for --key alone, not on every run.
        const { tmpdir } = process.getBuiltinModule('node:os') as typeof import('node:os');
        const tmp = mkdtempSync(join(tmpdir(), 'elfkit-attach-'));
        try {
          const bundle = join(tmp, 'bundle.json');
          const r = await runOffline('sign-blob', ['--key', a.key, '--bundle', bundle, '-y', join(root, blobPathOf(attached.artifact.digest))]);
          if (r.exitCode !== 0) throw new CliError(`signing failed: ${cosignReason(r)} (the artifact ${attached.artifact.digest} is stored, unsigned)`);
          signature = (await attachSignatureBundle(opened.image, writer, nodeHasher, attached.artifact, new Uint8Array(readFileSync(bundle)), { created })).digest;
        } finally {
          rmSync(tmp, { recursive: true, force: true });
        }
      }
      if (a.json) {
        writeOut(toJson({ artifact: attached.artifact, layer: attached.layer, files: attached.plan.files, skipped: attached.plan.skipped, signature: signature ?? null }) + '\n');
        return;
      }
      writeOut(
        `artifact ${attached.artifact.digest} (${attached.plan.files.length} debug files, layer ${attached.layer.digest}, ${attached.layer.size} bytes)\n` +
          `subject  ${opened.image.info.digest}\n` +
          (signature ? `signed   ${signature} (cosign bundle, offline)\n` : ''),
      );
    } finally {
      await opened.close();
    }
  },
});
