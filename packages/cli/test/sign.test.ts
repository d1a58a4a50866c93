// elfkit sign / verify / attest with the real cosign (Debian sid's 3.x,
// fetched into .cache by scripts/fetch-deb.sh), entirely offline.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { appendFileSync, copyFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixturePath, run } from '@elfkit/fixtures';
import { cosignPath, elfkit, scratch } from './support.js';

const cosign = cosignPath('sign/verify/attest with cosign');
const dir = scratch();
const env = { ...process.env, ELFKIT_COSIGN: cosign ?? '', COSIGN_PASSWORD: 'test-password', SOURCE_DATE_EPOCH: '1700000000' };
// No network: nothing in here may need it.
for (const k of ['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy']) delete (env as Record<string, string | undefined>)[k];
Object.assign(env, { HTTPS_PROXY: 'http://127.0.0.1:9', HTTP_PROXY: 'http://127.0.0.1:9', TUF_ROOT: join(dir, 'tuf') });

function keys(prefix: string): { key: string; pub: string } {
  const r = run(cosign!, ['generate-key-pair', '--output-key-prefix', join(dir, prefix)], { env });
  assert.is(r.status, 0, r.stderr);
  return { key: join(dir, `${prefix}.key`), pub: join(dir, `${prefix}.pub`) };
}

function oneLine(r: { status: number | null; stderr: string }, re: RegExp): void {
  assert.is(r.status, 1, r.stderr);
  assert.match(r.stderr, /^elfkit: [^\n]+\n$/, JSON.stringify(r.stderr));
  assert.match(r.stderr, re);
}

test('sign, then verify offline; a tampered file, a wrong key and a wrong password fail with one line', () => {
  if (!cosign) return;
  const { key, pub } = keys('main');
  const other = keys('other');
  const app = join(dir, 'app');
  copyFileSync(fixturePath('c/gcc-pie'), app);
  let r = elfkit(['sign', app, '--key', key], { env });
  assert.is(r.status, 0, r.stderr);
  assert.ok(existsSync(`${app}.sigstore.json`));
  // cosign 3 writes a Sigstore bundle; cosign 2 (the trixie fallback) its legacy bundle.
  assert.match(readFileSync(`${app}.sigstore.json`, 'utf8'), /application\/vnd\.dev\.sigstore\.bundle|base64Signature/);
  r = elfkit(['verify', app, '--key', pub], { env });
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /^verified .* \(offline: the transparency log was not checked\)\n$/);
  oneLine(elfkit(['verify', app, '--key', other.pub], { env }), /signature verification failed: /);
  oneLine(elfkit(['verify', app, '--key', key], { env }), /signature verification failed: .*public key/);
  oneLine(elfkit(['sign', app, '--key', key, '--bundle', join(dir, 'bad.json')], { env: { ...env, COSIGN_PASSWORD: 'wrong' } }), /signing failed: .*decrypt/);
  const tampered = join(dir, 'tampered');
  copyFileSync(app, tampered);
  appendFileSync(tampered, 'x');
  oneLine(elfkit(['verify', tampered, '--key', pub, '--bundle', `${app}.sigstore.json`], { env }), /signature verification failed: .*invalid signature/);
});

test('a missing cosign is one clear line', () => {
  const app = fixturePath('c/gcc-pie');
  oneLine(elfkit(['sign', app, '--key', app], { env: { ...env, ELFKIT_COSIGN: join(dir, 'no-such-cosign') } }), /cosign not found/);
  oneLine(elfkit(['verify', app, '--key', app, '--bundle', app], { env: { ...env, ELFKIT_COSIGN: join(dir, 'no-such-cosign') } }), /cosign not found/);
});

test('attest: the stamp as an in-toto predicate, verified offline; an unstamped binary is refused', () => {
  if (!cosign) return;
  const { key, pub } = keys('att');
  const app = join(dir, 'stamped');
  copyFileSync(fixturePath('c/gcc-pie'), app);
  oneLine(elfkit(['attest', app, '--key', key], { env }), /no elfkit stamp to attest/);
  assert.is(elfkit(['stamp', app, '--in-place', '--no-git', '--set', 'release=1'], { env }).status, 0);
  let r = elfkit(['attest', app, '--key', key], { env });
  assert.is(r.status, 0, r.stderr);
  const bundle = `${app}.att.sigstore.json`;
  const envelope = JSON.parse(readFileSync(bundle, 'utf8')) as { dsseEnvelope?: { payload: string } };
  // The in-toto statement is readable in cosign 3's bundle (cosign 2's legacy bundle holds only a signature).
  if (envelope.dsseEnvelope) {
    const statement = JSON.parse(Buffer.from(envelope.dsseEnvelope.payload, 'base64').toString()) as { predicateType: string; predicate: { type: string; extra: Record<string, string> }; subject: { digest: { sha256: string } }[] };
    assert.is(statement.predicateType, 'urn:elfkit:stamp:v1');
    assert.equal([statement.predicate.type, statement.predicate.extra], ['elfkit-stamp', { release: '1' }]);
    assert.is(statement.subject[0]!.digest.sha256, run('sha256sum', [app]).stdout.split(' ')[0]);
  }
  r = elfkit(['verify', app, '--key', pub, '--attestation'], { env });
  assert.is(r.status, 0, r.stderr);
  const other = keys('att-other');
  oneLine(elfkit(['verify', app, '--key', other.pub, '--attestation'], { env }), /attestation verification failed/);
});

test.run();
