import assert from 'node:assert/strict';
import { test } from 'node:test';
import { translator } from '../support/flow.ts';
import { StaffUser, startInterviews } from './harness.ts';

const en = translator.translatorFor('en');

test('/followups pages beyond 20: page:N shows the next ones with the same filter, every respondent on exactly one page; a page past the end is said so', async (t) => {
  const h = await startInterviews(t);
  if (!h) return;
  await h.staff('amina', 'Amina Haddad', 'interviewer', 9001);
  const amina = new StaffUser(h.api, 9001);
  const all = new Set<string>();
  for (let i = 0; i < 45; i++) all.add((await h.respondent(7200 + i)).slice(0, 8));
  // Another answer to q1: left out by the filter below.
  await h.respondent(7300, { answers: { q1: { status: 'answered', value: { option: 'school' } } } });

  const handlesOf = (said: string[]) =>
    said.flatMap((text) => [...text.matchAll(/^([0-9a-f]{8}) · /gm)].map((m) => m[1]!));
  const pages: string[][] = [];
  for (const page of [1, 2, 3]) {
    const said = await amina.command(
      page === 1 ? '/followups q1=public' : `/followups page:${page} q1=public`,
    );
    assert.ok(said.includes(en({ key: 'interviews:list.count', params: { count: 45 } })), said.join('\n'));
    assert.ok(said.includes(en({ key: 'interviews:list.page', params: { page, pages: 3 } })));
    const next = en({
      key: 'interviews:list.more',
      params: { count: 45 - page * 20, command: `/followups page:${page + 1} q1=public` },
    });
    assert.equal(said.includes(next), page < 3, said.join('\n'));
    pages.push(handlesOf(said));
  }
  assert.deepEqual(
    pages.map((p) => p.length),
    [20, 20, 5],
  );
  assert.deepEqual(new Set(pages.flat()), all, 'every respondent on exactly one page');
  assert.equal(pages.flat().length, 45);

  assert.deepEqual(await amina.command('/followups q1=public page:4'), [
    en({ key: 'interviews:list.no_page', params: { page: 4, pages: 3 } }),
  ]);
  // Without a filter: one more respondent, the second page still 20.
  const unfiltered = await amina.command('/followups page:2');
  assert.ok(unfiltered.includes(en({ key: 'interviews:list.count', params: { count: 46 } })));
  assert.equal(handlesOf(unfiltered).length, 20);
  // A page part that is not a number is a filter part that cannot be read.
  assert.match((await amina.command('/followups page:two')).join('\n'), /cannot read/);
});
