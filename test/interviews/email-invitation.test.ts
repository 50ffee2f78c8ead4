import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import nodemailer from 'nodemailer';
import { mailLinkHandler } from '../../src/interviews/mail-link-route.ts';
import { HttpServer } from '../../src/http/server.ts';
import { translator } from '../support/flow.ts';
import { Respondent } from '../telegram/respondent.ts';
import { startSmtp } from '../campaigns/smtp.ts';
import { FORUM, StaffUser, startInterviews } from './harness.ts';
import type { StoreKind } from '../telegram/harness.ts';

const en = translator.translatorFor('en');
const fr = translator.translatorFor('fr', { isolate: false });
const es = translator.translatorFor('es', { isolate: false });

/** The interviews with e-mail set up: a real SMTP server, and the answer pages on a real HTTP server. */
async function withMail(t: TestContext, stores?: StoreKind) {
  const smtp = await startSmtp(t);
  const http = new HttpServer();
  const port = await http.listen(0, '127.0.0.1');
  t.after(() => http.close());
  const transport = nodemailer.createTransport({ url: smtp.url });
  t.after(() => transport.close());
  const base = `http://127.0.0.1:${port}/followup`;
  const h = await startInterviews(t, {
    mail: { transport, from: 'Survey <survey@ifla.example>', linkBase: base },
    ...(stores ? { stores } : {}),
  });
  if (!h) return null;
  http.mount(
    '/followup',
    mailLinkHandler({ interviews: h.interviews, translator, telegramBot: 'AdvocacySurveyBot' }),
  );
  await h.staff('amina', 'Amina Haddad', 'interviewer', 9001);
  const amina = new StaffUser(h.api, 9001);
  /** Claims and invites; returns the interviewer's reply. */
  const invite = async (respondent: string) => {
    const handle = respondent.slice(0, 8);
    assert.match((await amina.command(`/claim ${handle}`)).join('\n'), /is yours now/);
    return (await amina.command(`/invite ${handle}`)).join('\n');
  };
  /** The three links of the e-mail to `to` (the last one). */
  const linksTo = (to: string) => {
    const mail = smtp.received.findLast((m) => m.to.includes(to))!;
    const links = [...(mail.parsed.text ?? '').matchAll(new RegExp(`${base}/(\\S+)`, 'g'))].map((m) => m[0]);
    assert.equal(links.length, 3, mail.parsed.text);
    return { mail, accept: links[0]!, later: links[1]!, no: links[2]! };
  };
  return { h, smtp, amina, invite, linksTo, base };
}

const page = async (url: string, init: RequestInit = {}) => {
  const res = await fetch(url, init);
  return { status: res.status, html: await res.text() };
};
const post = (url: string, headers: Record<string, string> = {}) =>
  page(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers } });

test('a respondent who gave an e-mail is invited by one e-mail in their language; opening a link changes nothing; confirming Accept opens the conversation, tells the interviewer, and leads to the chat where the relay works', async (t) => {
  const m = await withMail(t);
  if (!m) return;
  const { h, smtp, amina } = m;
  const respondent = await h.respondent(7101, { locale: 'fr', email: 'lib7101@example.org' });
  const conversationOf = async () => (await h.stores.conversations.byRespondent(respondent))[0]!;

  assert.equal(
    await m.invite(respondent),
    en({ key: 'interviews:invite.mailed', params: { handle: respondent.slice(0, 8) } }),
  );
  assert.equal(h.api.chat(7101).length, 0, 'nothing was written in the chat of someone who chose e-mail');
  assert.equal(smtp.received.length, 1);
  const { mail, accept, later, no } = m.linksTo('lib7101@example.org');
  const role = fr({ key: 'staff:role.interviewer' });
  assert.equal(mail.parsed.subject, fr({ key: 'interviews:mail.subject', params: { name: 'Amina', role } }));
  assert.ok(
    mail.parsed.text!.includes(fr({ key: 'interviews:mail.intro', params: { name: 'Amina', role } })),
  );
  assert.ok(mail.parsed.text!.includes(`${fr({ key: 'interviews:invitation.accept' })}: ${accept}`));
  assert.ok(mail.parsed.html && /lang="fr"/.test(mail.parsed.html));
  // Who writes: the first name and role, never the account or the full name.
  assert.ok(!mail.raw.toString().includes('9001') && !mail.raw.toString().includes('Haddad'));
  const thread = h.api.chat(FORUM).findLast((x) => x.thread !== undefined)!.thread!;
  assert.equal(h.api.topic(FORUM, thread).at(-1)!.text, en({ key: 'interviews:staff.mailed' }));
  const conversation = await conversationOf();
  assert.equal(conversation.invitedBy, 'email');
  assert.equal((await h.stores.sends.get(`followup:${conversation.id}`))?.status, 'sent');
  const audited = await h.stores.audit.list({ limit: 5, action: 'followup.invite' });
  assert.deepEqual(audited[0]?.details, { outcome: 'delivered', via: 'email' });

  // Asked again while the invitation is open: refused, no second e-mail.
  assert.match(
    (await amina.command(`/invite ${respondent.slice(0, 8)}`)).join('\n'),
    /already has an invitation/,
  );
  assert.equal(smtp.received.length, 1);

  // A mail scanner (or the respondent) opens every link: a page with a button, nothing changes.
  for (const link of [accept, later, no]) {
    const opened = await page(link);
    assert.equal(opened.status, 200);
    assert.match(opened.html, /<html lang="fr" dir="ltr">/);
    assert.match(opened.html, /<form method="post">/);
  }
  assert.ok((await page(accept)).html.includes(fr({ key: 'interviews:mail_page.confirm_accept' })));
  assert.equal((await conversationOf()).status, 'invited');
  assert.equal(h.api.topic(FORUM, thread).at(-1)!.text, en({ key: 'interviews:staff.mailed' }));

  // Confirmed: accepted, the interviewer told, the way to the chat shown.
  const accepted = await post(accept);
  assert.equal(accepted.status, 200);
  assert.ok(accepted.html.includes(fr({ key: 'interviews:mail_page.accepted' })));
  assert.ok(accepted.html.includes('https://t.me/AdvocacySurveyBot?start=followup'));
  assert.equal((await conversationOf()).status, 'open');
  assert.deepEqual(h.api.topic(FORUM, thread).slice(-1)[0]!.text.split('\n'), [
    en({ key: 'interviews:staff.answer_accept' }),
    en({ key: 'interviews:staff.accepted_by_mail' }),
  ]);

  // Used links, all three: a clear page in their language, nothing changes.
  for (const link of [accept, later, no]) {
    const used = await post(link);
    assert.equal(used.status, 404);
    assert.ok(used.html.includes(fr({ key: 'interviews:mail_page.stale' })));
  }
  assert.equal((await conversationOf()).status, 'open');

  // The link on the page starts the chat: the respondent is told they are in the conversation.
  const r = new Respondent(h.api, 7101, 'fr');
  await r.send('/start followup');
  assert.equal(r.last.text, fr({ key: 'interviews:relay.connected' }));
  await r.send('Bonjour, je suis là');
  assert.equal(h.api.topic(FORUM, thread).at(-1)!.text, 'Respondent:\nBonjour, je suis là');
  await amina.say(thread, 'Merci, parlons de votre bibliothèque.');
  assert.equal(r.last.text, `Amina (${role}) :\nMerci, parlons de votre bibliothèque.`);
});

// On the embedded store, where the check-and-write is ours. MongoDB's filtered replaceOne is atomic
// by itself; FerretDB 1.x, the test server, does not run conditional updates atomically.
test('Accept and No confirmed at the same moment: exactly one answers the invitation, the other gets the used-link page, and the interviewer is told once', async (t) => {
  const m = await withMail(t, 'embedded');
  if (!m) return;
  const { h } = m;
  const respondent = await h.respondent(7104, { locale: 'en', email: 'lib7104@example.org' });
  await m.invite(respondent);
  const { accept, no } = m.linksTo('lib7104@example.org');
  const thread = h.api.chat(FORUM).findLast((x) => x.thread !== undefined)!.thread!;
  const before = h.api.topic(FORUM, thread).length;
  const answers = await Promise.all([post(accept), post(no)]);
  assert.deepEqual(answers.map((a) => a.status).sort(), [200, 404]);
  const winner = answers[0]!.status === 200 ? 'open' : 'declined';
  assert.equal((await h.stores.conversations.byRespondent(respondent))[0]!.status, winner);
  assert.equal(h.api.topic(FORUM, thread).length, before + 1);
});

test('"No" by e-mail is final; an expired or forged link gets a clear translated page and changes nothing; a declined or erased respondent gets no e-mail and no link works', async (t) => {
  const m = await withMail(t);
  if (!m) return;
  const { h, smtp } = m;

  // No: declined, told in their language, never asked again (and no second e-mail).
  const saysNo = await h.respondent(7102, { locale: 'es', email: 'lib7102@example.org' });
  await m.invite(saysNo);
  const first = m.linksTo('lib7102@example.org');
  const declined = await post(first.no);
  assert.equal(declined.status, 200);
  assert.ok(declined.html.includes(es({ key: 'interviews:invitation.answered_no' })));
  assert.equal((await h.stores.conversations.byRespondent(saysNo))[0]!.status, 'declined');
  assert.equal(
    (await m.amina.command(`/invite ${saysNo.slice(0, 8)}`)).join('\n'),
    en({ key: 'interviews:invite.not_accepted', params: { handle: saysNo.slice(0, 8) } }),
  );
  assert.equal(smtp.received.filter((x) => x.to.includes('lib7102@example.org')).length, 1);
  assert.equal((await post(first.accept)).status, 404);
  assert.equal((await h.stores.conversations.byRespondent(saysNo))[0]!.status, 'declined');

  // Expired: the links' time has passed (as if fourteen days went by).
  const late = await h.respondent(7103, { locale: 'en', email: 'lib7103@example.org' });
  await m.invite(late);
  const lateLinks = m.linksTo('lib7103@example.org');
  const [open] = await h.stores.conversations.byRespondent(late);
  await h.stores.conversations.update({
    ...open!,
    mailLinks: { ...open!.mailLinks!, expires: Date.now() - 1 },
  });
  const expired = await post(lateLinks.accept);
  assert.equal(expired.status, 404);
  assert.ok(expired.html.includes(en({ key: 'interviews:mail_page.stale' })));
  assert.equal((await h.stores.conversations.get(open!.id))!.status, 'invited');

  // Forged: another secret on a real conversation, garbage, a path trick: the same page, nothing changes.
  const live = await h.respondent(7104, { locale: 'ru', email: 'lib7104@example.org' });
  await m.invite(live);
  const real = m.linksTo('lib7104@example.org');
  const forged = real.accept.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
  for (const link of [
    forged,
    `${m.base}/nothing`,
    `${m.base}/..%2F..%2Fetc`,
    `${m.base}/%E0%A4%A`,
    `${real.accept}x`,
  ]) {
    const refused = await post(link, { 'accept-language': 'ar,en;q=0.5' });
    assert.equal(refused.status, 404, link);
    assert.match(refused.html, /<html lang="ar" dir="rtl">/);
    assert.ok(
      refused.html.includes(
        translator.translatorFor('ar', { isolate: false })({ key: 'interviews:mail_page.stale' }),
      ),
    );
  }
  assert.equal((await h.stores.conversations.byRespondent(live))[0]!.status, 'invited');

  // Erased while invited (/delete_my_data): the links answer nothing any more.
  const erasing = new Respondent(h.api, 7104, 'ru');
  await erasing.send('/delete_my_data');
  const confirm = erasing.last.reply_markup!.inline_keyboard.flat() as { callback_data: string }[];
  await erasing.deliver(
    erasing.user.press(
      erasing.last.message_id,
      confirm.find((b) => b.callback_data === '!delete:yes')!.callback_data,
    ),
  );
  assert.deepEqual(await h.stores.conversations.byRespondent(live), []);
  const afterErase = await post(real.accept);
  assert.equal(afterErase.status, 404);
  assert.deepEqual(await h.stores.conversations.byRespondent(live), []);

  // Declined the contact question: never offered, and the service refuses (audited); no e-mail.
  const refused = await h.respondent(7105, { agreed: false, email: 'lib7105@example.org' });
  const member = (await h.directory.get('amina'))!;
  await h.interviews.claim(member, refused);
  assert.deepEqual(await h.interviews.invite(member, refused, 'resp-7105', 'telegram', []), {
    ok: false,
    reason: 'no_consent',
  });
  assert.equal(smtp.received.filter((x) => x.to.includes('lib7105@example.org')).length, 0);
});

test('a respondent whose chat is unreachable (blocked) gets the invitation by e-mail when they gave an address; without mail set up, an e-mail-only respondent is refused clearly', async (t) => {
  const m = await withMail(t);
  if (!m) return;
  const { h, smtp } = m;
  const respondent = await h.respondent(7106, { locale: 'en' });
  const contact = (await h.stores.contacts.get('resp-7106'))!;
  await h.stores.contacts.save({ ...contact, email: 'lib7106@example.org' });
  h.api.block(7106);
  assert.match(await m.invite(respondent), /e-mailed/);
  const [conversation] = await h.stores.conversations.byRespondent(respondent);
  assert.equal(conversation!.status, 'invited');
  assert.equal(conversation!.invitedBy, 'email');
  const thread = h.api.chat(FORUM).findLast((x) => x.thread !== undefined)!.thread!;
  const said = h.api.topic(FORUM, thread).map((x) => x.text);
  assert.ok(said.includes(en({ key: 'interviews:staff.mail_fallback_blocked' })), said.join(' | '));
  assert.equal(smtp.received.filter((x) => x.to.includes('lib7106@example.org')).length, 1);

  const bare = await startInterviews(t);
  if (!bare) return;
  await bare.staff('amina', 'Amina Haddad', 'interviewer', 9001);
  const onlyMail = await bare.respondent(7107, { email: 'lib7107@example.org' });
  const staff = new StaffUser(bare.api, 9001);
  await staff.command(`/claim ${onlyMail.slice(0, 8)}`);
  assert.equal(
    (await staff.command(`/invite ${onlyMail.slice(0, 8)}`)).join('\n'),
    en({ key: 'interviews:invite.email_only', params: { handle: onlyMail.slice(0, 8) } }),
  );
  assert.equal(bare.api.chat(7107).length, 0);

  // The page's Telegram link without a conversation open: a plain /start, not a refused survey link.
  const stranger = new Respondent(bare.api, 7108, 'en');
  await stranger.send('/start followup');
  const texts = stranger.messages.map((x) => x.text).join('\n');
  assert.ok(!texts.includes(en({ key: 'interviews:relay.connected' })));
  assert.ok(!texts.includes(en({ key: 'telegram:invitation.unknown' })), texts);
  assert.ok((await bare.service.current('telegram', '7108'))?.status === 'active');
});
