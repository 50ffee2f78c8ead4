import assert from 'node:assert/strict';
import { test } from 'node:test';
import { COMMANDS } from '../../src/channels/telegram/commands.ts';
import { pseudonym } from '../../src/log.ts';
import { flow, translator } from '../support/flow.ts';
import { TelegramUser, type ApiCall } from '../support/telegram-api.ts';
import { SALT, startHarness, type Harness } from './harness.ts';
import { Respondent, buttonsOf, questionIdOf } from './respondent.ts';
import { collect } from '../../src/store/response-store.ts';

const tr = (lng: string) => translator.translatorFor(lng);
const en = tr('en');
const sent = (calls: ApiCall[]) =>
  calls.filter((c) => c.method === 'sendMessage').map((c) => String(c.body.text));
const session = (h: Harness, r: Respondent) => h.service.current('telegram', String(r.id));

/** /start, then the set-up steps and q1, so the respondent is at q2. */
async function toQ2(r: Respondent, lng = 'en'): Promise<void> {
  await r.send('/start');
  await r.step({ choose: lng });
  await r.step({ choose: 'yes' });
  await r.step({ choose: 'public' });
}

test('the command menu is registered with setMyCommands in every language, and by default', async (t) => {
  const h = await startHarness(t);
  if (!h) return;
  assert.deepEqual([...h.api.commands.keys()].sort(), ['', ...flow.languages].sort());
  for (const lng of flow.languages) {
    const menu: { command: string; description: string }[] = h.api.commands.get(lng)!;
    assert.deepEqual(
      menu.map((c) => c.command),
      [...COMMANDS],
    );
    assert.deepEqual(
      menu.map((c) => c.description),
      COMMANDS.map((c) => tr(lng)({ key: `telegram:commands.${c}` })),
    );
  }
  assert.notDeepEqual(h.api.commands.get('ru'), h.api.commands.get('en'));
  assert.deepEqual(h.api.commands.get(''), h.api.commands.get('en'));
});

test("/help and /progress answer in the respondent's language, at every stage", async (t) => {
  const h = await startHarness(t);
  if (!h) return;
  const r = new Respondent(h.api, 8201, 'ru');
  const ru = tr('ru');
  assert.deepEqual(sent(await r.send('/progress')), [ru({ key: 'telegram:progress.none' })]);
  await r.send('/start');
  assert.deepEqual(sent(await r.send('/progress')), [ru({ key: 'telegram:progress.setup' })]);
  await r.step({ choose: 'ru' });
  await r.step({ choose: 'yes' });
  await r.step({ choose: 'public' });
  const [progress] = sent(await r.send('/progress'));
  assert.equal(progress, ru({ key: 'common:progress', params: { position: 2, total: 22 } }));
  assert.deepEqual(sent(await r.send('/help')), [ru({ key: 'telegram:help' })]);
  assert.deepEqual(sent(await r.send('/nonsense')), [ru({ key: 'telegram:invalid.unknown_command' })]);
});

test('/back returns to the previous question showing the earlier answer; /skip declines', async (t) => {
  const h = await startHarness(t);
  if (!h) return;
  const r = new Respondent(h.api, 8202, 'en');
  await toQ2(r);
  const q2Message = r.question.message_id;
  await r.send('/back');
  assert.equal(questionIdOf(r.last), 'q1');
  assert.ok(
    r.last.text.includes(
      en({ key: 'common:previous', params: { answer: en({ key: 'advocacy:q1.options.public' }) } }),
    ),
  );
  assert.equal(r.message(q2Message).reply_markup, undefined, 'the abandoned question loses its keyboard');
  await r.step({ choose: 'school' });
  await r.send('/skip');
  const s = await session(h, r);
  assert.deepEqual(s!.answers.q1, { status: 'answered', value: { option: 'school' } });
  assert.deepEqual(s!.answers.q2, { status: 'declined' });
  assert.equal(s!.current, 'q3');
  assert.match(
    r.message(r.messages.at(-2)!.message_id).text,
    new RegExp(`✅ ${en({ key: 'common:summary.declined' })}`),
  );
});

test('/skip at "please specify" returns to the choice with the picks kept; the text can be declined there', async (t) => {
  const h = await startHarness(t);
  if (!h) return;
  const r = new Respondent(h.api, 8208, 'en');
  await r.send('/start');
  await r.step({ choose: 'en' });
  await r.step({ choose: 'yes' });
  await r.step({ choose: 'other' });
  assert.match(
    r.question.text,
    /You chose “Other” for “What type of library or organization do you represent\?”/,
  );
  assert.deepEqual(
    buttonsOf(r.question).map((b) => b.text),
    ['1. I’d rather not specify', en({ key: 'common:action.back' })],
  );
  await r.send('/skip');
  let s = await session(h, r);
  assert.equal(s!.current, 'q1', 'still q1: /skip did not decline it');
  assert.equal(s!.answers.q1, undefined);
  assert.ok(
    buttonsOf(r.question).some((b) => b.text.startsWith('✓ 7.')),
    'other still marked',
  );
  await r.step({ choose: 'other' });
  await r.step({ choose: 'other_declined' });
  s = await session(h, r);
  assert.deepEqual(s!.answers.q1, { status: 'answered', value: { option: 'other', otherDeclined: true } });
  assert.equal(s!.current, 'q2');
});

test('/language shows a picker; choosing re-asks the current question in the new language', async (t) => {
  const h = await startHarness(t);
  if (!h) return;
  const r = new Respondent(h.api, 8203, 'en');
  await toQ2(r);
  const q2Message = r.question.message_id;
  await r.send('/language');
  const picker = r.last;
  assert.equal(picker.text, en({ key: 'common:language.text' }));
  const ar = buttonsOf(picker).find((b) => b.data === '!lang:ar');
  assert.ok(ar);
  await r.press(ar.data, picker.message_id);
  assert.equal(r.message(picker.message_id).deleted, true);
  assert.equal(r.message(q2Message).reply_markup, undefined);
  assert.equal(questionIdOf(r.last), 'q2');
  assert.ok(r.last.text.startsWith(tr('ar')({ key: 'common:language.changed' })));
  assert.ok(r.last.text.includes(tr('ar')({ key: 'advocacy:q2.text' })));
  assert.equal((await session(h, r))!.locale, 'ar');
  // Typed with a code as well.
  await r.send('/language fr');
  assert.ok(r.last.text.includes(tr('fr')({ key: 'advocacy:q2.text' })));
  assert.deepEqual(sent(await r.send('/language xx')), [
    tr('fr')({ key: 'common:refusal.unknown_language' }),
  ]);
});

test('/restart asks first: "no" changes nothing, "yes" starts over and keeps the invitation', async (t) => {
  const h = await startHarness(t);
  if (!h) return;
  await h.stores.invitations.create({
    token: 'lagos-7',
    campaign: 'c',
    maxUses: 1,
    uses: 0,
    revoked: false,
    createdAt: new Date(),
  });
  const r = new Respondent(h.api, 8204, 'en');
  await r.send('/start lagos-7');
  await r.step({ choose: 'en' });
  await r.step({ choose: 'yes' });
  await r.step({ choose: 'public' });
  const before = await session(h, r);
  await r.send('/restart');
  const confirm = r.last;
  assert.equal(confirm.text, en({ key: 'telegram:restart.confirm' }));
  const calls = await r.press('!restart:no', confirm.message_id);
  assert.deepEqual(
    calls.filter((c) => c.method === 'answerCallbackQuery').map((c) => c.body.text),
    [en({ key: 'telegram:restart.cancelled' })],
  );
  assert.equal(r.message(confirm.message_id).deleted, true);
  assert.deepEqual(await session(h, r), before);

  await r.send('/restart');
  const q2Message = r.question.message_id;
  await r.press('!restart:yes', r.last.message_id);
  const fresh = await session(h, r);
  assert.notEqual(fresh!.id, before!.id);
  assert.deepEqual(fresh!.answers, {});
  assert.equal(fresh!.meta.invitation, 'lagos-7', 'the invitation stays with the respondent');
  assert.equal((await h.stores.invitations.get('lagos-7'))!.uses, 1, 'and is not counted again');
  assert.equal(questionIdOf(r.last), 'language');
  assert.equal(r.message(q2Message).reply_markup, undefined);
});

test('/delete_my_data asks first, then erases session, responses and contact details and says what', async (t) => {
  const h = await startHarness(t);
  if (!h) return;
  const r = new Respondent(h.api, 8205, 'en');
  const respondent = pseudonym(SALT, 'telegram', String(r.id));
  const mine = async () => ({
    responses: (await collect(h.stores.responses.scan())).filter((x) => x.respondent === respondent).length,
    contacts: (await h.stores.contacts.list()).filter((x) => x.respondent === respondent).length,
    addresses: (await h.stores.addresses.byRespondent(respondent)).length,
  });
  await r.send('/start');
  await r.takeSurvey({
    language: [{ choose: 'en' }],
    consent: [{ choose: 'yes' }],
    ...Object.fromEntries(
      [
        'q1',
        'q2',
        'q3',
        'q4',
        'q5',
        'q6',
        'q8',
        'q9',
        'q10',
        'q11',
        'q11b',
        'q12',
        'q13',
        'q14',
        'q15',
        'q16',
      ].map((q) => [q, ['skip']]),
    ),
    q17: [{ choose: 'yes' }, { type: 'Ana' }, { choose: 'chat' }, { choose: 'en' }],
  } as never);
  assert.deepEqual(await mine(), { responses: 1, contacts: 1, addresses: 1 });

  await r.send('/delete_my_data');
  await r.press('!delete:no', r.last.message_id);
  assert.deepEqual(await mine(), { responses: 1, contacts: 1, addresses: 1 }, '"no" deletes nothing');

  // Finished, the respondent is offered to delete their answers: it asks first, as the command does.
  await r.send('hello');
  await r.press('!erase', r.last.message_id);
  const confirm = r.last;
  assert.equal(confirm.text, en({ key: 'telegram:delete.confirm' }));
  await r.press('!delete:yes', confirm.message_id);
  assert.equal(
    r.message(confirm.message_id).text,
    [
      en({ key: 'telegram:delete.done' }),
      `• ${en({ key: 'telegram:delete.responses', params: { count: 1 } })}`,
      `• ${en({ key: 'telegram:delete.contacts', params: { count: 1 } })}`,
      `• ${en({ key: 'common:privacy.erased.addresses', params: { count: 1 } })}`,
    ].join('\n'),
  );
  assert.deepEqual(
    await mine(),
    { responses: 0, contacts: 0, addresses: 0 },
    'the address book entry goes too',
  );

  // With nothing kept, the respondent may start afresh; unfinished answers are erased too.
  await toQ2(r);
  await r.send('/delete_my_data');
  const again = r.last;
  await r.press('!delete:yes', again.message_id);
  const report = r.message(again.message_id);
  assert.equal(report.reply_markup, undefined);
  assert.equal(
    report.text,
    [
      en({ key: 'telegram:delete.done' }),
      `• ${en({ key: 'telegram:delete.session' })}`,
      `• ${en({ key: 'common:privacy.erased.addresses', params: { count: 1 } })}`,
    ].join('\n'),
  );
  assert.equal(await session(h, r), null);
  assert.ok(!r.messages.some((m) => m.reply_markup && questionIdOf(m)), 'no question keyboard is left');
  // Asked again, there is nothing left.
  await r.send('/delete_my_data');
  await r.press('!delete:yes', r.last.message_id);
  assert.equal(r.last.text, en({ key: 'telegram:delete.nothing' }));
});

test('in a group the bot answers with a button that opens the private chat, and starts nothing', async (t) => {
  const h = await startHarness(t);
  if (!h) return;
  const member = new TelegramUser(h.api, 8206, 'es', 'group', -1009988);
  await h.api.deliver(member.text('/start'));
  const [reply] = h.api.chat(-1009988);
  assert.ok(reply);
  assert.equal(reply.text, tr('es')({ key: 'telegram:group.text' }));
  const button = reply.reply_markup!.inline_keyboard[0]![0]!;
  assert.deepEqual(button, {
    text: tr('es')({ key: 'telegram:group.open' }),
    url: `https://t.me/${h.api.me.username}`,
  });
  await h.api.deliver(member.text('just chatting about budgets'));
  assert.equal(h.api.chat(-1009988).length, 1, 'ordinary group talk is not answered');
  assert.equal(await h.service.current('telegram', '8206'), null);
});

test('invitation links: unknown, revoked, used up or expired get a clear message and the choice to continue without', async (t) => {
  const h = await startHarness(t);
  if (!h) return;
  const base = { campaign: 'c', uses: 0, revoked: false, createdAt: new Date() };
  await h.stores.invitations.create({ ...base, token: 'revoked-1', maxUses: null, revoked: true });
  await h.stores.invitations.create({ ...base, token: 'full-1', maxUses: 1, uses: 1 });
  await h.stores.invitations.create({
    ...base,
    token: 'old-1',
    maxUses: null,
    expiresAt: new Date(Date.now() - 1000),
  });
  const cases = [
    ['nope-nope', 'unknown'],
    ['bad token!', 'unknown'],
    ['revoked-1', 'revoked'],
    ['full-1', 'used_up'],
    ['old-1', 'expired'],
  ] as const;
  for (const [i, [token, reason]] of cases.entries()) {
    const r: Respondent = new Respondent(h.api, 8300 + i, 'fr');
    const fr = tr('fr');
    await r.send(`/start ${token}`);
    assert.equal(
      r.last.text,
      [fr({ key: `telegram:invitation.${reason}` }), fr({ key: 'telegram:invitation.continue' })].join('\n'),
    );
    assert.equal(await session(h, r), null, 'nothing starts until the respondent chooses');
    await r.press(buttonsOf(r.last)[0]!.data, r.last.message_id);
    const s = await session(h, r);
    assert.ok(s);
    assert.equal(s.meta.invitation, undefined);
    assert.equal(questionIdOf(r.last), 'language');
  }
});

test('coming back: /start resumes at the same question with "welcome back", and a valid link is not counted twice', async (t) => {
  const h = await startHarness(t);
  if (!h) return;
  await h.stores.invitations.create({
    token: 'mexico-3',
    campaign: 'c',
    maxUses: 1,
    uses: 0,
    revoked: false,
    createdAt: new Date(),
  });
  const r = new Respondent(h.api, 8207, 'es');
  await r.send('/start mexico-3');
  assert.ok(r.last.text.startsWith(tr('es')({ key: 'telegram:welcome' })));
  await r.step({ choose: 'es' });
  await r.step({ choose: 'yes' });
  await r.step({ choose: 'public' });
  await r.step({ choose: 'yes' });
  const old = r.question.message_id;
  // Days later the respondent opens the same link again.
  await r.send('/start mexico-3');
  const es = tr('es');
  assert.equal(questionIdOf(r.last), 'q2a');
  assert.ok(
    r.last.text.startsWith(es({ key: 'common:resumed', params: { position: 3, total: 22 } })),
    r.last.text,
  );
  assert.equal(r.message(old).reply_markup, undefined, 'the older copy of the question loses its keyboard');
  assert.equal((await h.stores.invitations.get('mexico-3'))!.uses, 1);
  assert.equal((await session(h, r))!.meta.invitation, 'mexico-3');
});
