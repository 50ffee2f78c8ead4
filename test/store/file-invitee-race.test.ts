import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { FileInviteeStore } from '../../src/store/file-invitee-store.ts';
import { inviteeId, type Invitee } from '../../src/store/invitee-store.ts';
import type { JsonlFile } from '../../src/store/jsonl-file.ts';

/**
 * The embedded invitee store reads an invitee back from disk before it changes it; an erasure
 * can run while that read waits on the file. It must stay erased. The erasure is run inside the
 * read, after the line was read and before the change gets it.
 */

const invitee = (over: Partial<Invitee> = {}): Invitee => ({
  campaign: 'mena-2026',
  email: 'rania.haddad@example.org',
  name: 'Rania Haddad',
  language: 'ar',
  attributes: { city: 'Zahle' },
  token: 'R'.repeat(24),
  respondent: 'p-rania',
  createdAt: new Date('2026-11-01T00:00:00Z'),
  updatedAt: new Date('2026-11-01T00:00:00Z'),
  ...over,
});

async function storeWithErasureInRead(t: TestContext) {
  const dir = mkdtempSync(join(tmpdir(), 'file-invitee-race-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const store = new FileInviteeStore(dir);
  t.after(() => store.close());
  await store.upsert(invitee());
  const file = (store as unknown as { file: JsonlFile<{ id: string }> }).file;
  const read = file.read.bind(file);
  let erased = false;
  file.read = async (id) => {
    const row = await read(id);
    if (id === inviteeId('mena-2026', invitee().email) && !erased) {
      erased = true;
      assert.equal(await store.deleteByEmail(invitee().email), 1);
    }
    return row;
  };
  return { store, dir, erased: () => erased };
}

test('embedded: an unsubscription whose read-back an erasure overtakes does not bring the invitee back', async (t) => {
  const { store, dir, erased } = await storeWithErasureInRead(t);
  assert.equal(await store.unsubscribe(invitee().token, new Date('2026-11-05T00:00:00Z')), false);
  assert.ok(erased());
  assert.equal(await store.get('mena-2026', invitee().email), null);
  await store.close();
  assert.doesNotMatch(readFileSync(join(dir, 'invitees.jsonl'), 'utf8'), /Rania|p-rania/);
});

test('embedded: an import whose read-back an erasure overtakes adds the row anew, merging nothing erased', async (t) => {
  const { store, erased } = await storeWithErasureInRead(t);
  const row = invitee({
    name: '',
    attributes: { school: 'Lycée' },
    respondent: undefined,
    token: 'N'.repeat(24),
  });
  const { added } = await store.upsert(row);
  assert.ok(erased());
  assert.equal(added, true);
  const stored = await store.get('mena-2026', invitee().email);
  assert.deepEqual(stored?.attributes, { school: 'Lycée' }, 'the erased city is not merged back');
  assert.equal(stored?.respondent, undefined, 'nor the erased pseudonym');
});
