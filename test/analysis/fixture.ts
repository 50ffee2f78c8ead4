import type { Answer } from '../../src/engine/session.ts';
import type { Coding } from '../../src/store/coding-store.ts';
import type { Invitation } from '../../src/store/invitation-store.ts';
import type { ResponseRecord } from '../../src/store/response-store.ts';

/**
 * A hand-made data set of 100 respondents in the five languages, built in runs ("the first 20
 * answered x, the next 15 y") so that every expected table in analysis tests can be counted by
 * hand from this file. 90 finished; r090–r099 stopped at q3. r000 and r099 also left an earlier
 * unfinished attempt (set aside as superseded). q14 reproduces the 2013 report's rows for
 * "Other libraries" (31/16/14/15/1/0, 5 N/A) and "Others" (1/3/1/1/3/65, 8 N/A).
 */
export const RESPONDENTS = 100;
const COMPLETE = 90;
const LANGUAGES = ['en', 'ru', 'ar', 'es', 'fr'];

const id = (i: number) => `r${String(i).padStart(3, '0')}`;
const answered = (value: unknown): Answer => ({ status: 'answered', value });
const declined: Answer = { status: 'declined' };

type Run = [value: Answer | null, count: number];
/** Gives respondents first, first+1, ... the runs' answers in order (null: no answer stored). */
function runs(answers: Record<string, Answer>[], question: string, first: number, list: Run[]): void {
  let i = first;
  for (const [value, count] of list) {
    for (let k = 0; k < count; k++, i++) if (value) answers[i]![question] = value;
  }
}
const a = (value: unknown, count: number): Run => [answered(value), count];
const d = (count: number): Run => [declined, count];

/** Texts in the respondent's language: sentence n of the pool. */
const TEXTS: Record<string, string[]> = {
  en: [
    'We lobbied the city council together with the public libraries.',
    'Joint reading festival with the university.',
  ],
  ru: ['Провели круглый стол с депутатами областной думы.', 'Совместный фестиваль чтения с университетом.'],
  ar: ['نظمنا ورشة عمل مع جمعية المكتبات لصناع القرار.', 'مهرجان قراءة مشترك مع الجامعة.'],
  es: [
    'Presentamos un proyecto de ley con la asociación de bibliotecarios.',
    'Festival de lectura con la universidad.',
  ],
  fr: [
    'Rencontre avec les élus organisée avec l’association des bibliothécaires.',
    'Festival de lecture avec l’université.',
  ],
};
export const text = (i: number, n = 0) => `${TEXTS[LANGUAGES[i % 5]!]![n % 2]!} (${id(i)})`;

/** Answers that spreadsheets, pages and SPSS must take as plain text. */
export const TRICKY: Record<number, string> = {
  1: '=HYPERLINK("http://example.org","click")',
  2: '\u202Eمكتبة\u202C عامة، "اقتباس"',
  3: 'line one\nline two, with a comma',
  4: "back\\slash and 'apostrophe' and -minus",
  5: "'=already quoted",
};

function q14Patterns(): Run[] {
  const rank = (
    order: string[],
    items = ['libraries', 'government', 'business', 'nonprofit', 'associations', 'others'],
  ) => answered({ order, na: items.filter((x) => !order.includes(x)) });
  const [L, G, B, N, A, O] = ['libraries', 'government', 'business', 'nonprofit', 'associations', 'others'];
  return [
    [rank([L!, G!, B!, N!, A!, O!]), 25],
    [rank([L!, A!, N!, G!, B!, O!]), 6],
    [rank([G!, L!, B!, N!, A!, O!]), 16],
    [rank([G!, B!, L!, N!, A!, O!]), 14],
    [rank([N!, G!, B!, L!, A!, O!]), 3],
    [rank([A!, N!, G!, L!, B!, O!]), 1],
    [rank([G!, B!, N!, L!, O!]), 3],
    [rank([O!, G!, B!, L!]), 1],
    [rank([G!, O!, B!, L!]), 3],
    [rank([G!, B!, O!, L!]), 1],
    [rank([G!, B!, N!, L!]), 3],
    [rank([G!, B!, N!, O!, L!]), 1],
    [rank([G!, B!, N!]), 5],
    d(8),
  ];
}

export function fixtureResponses(): ResponseRecord[] {
  const answers: Record<string, Answer>[] = Array.from({ length: RESPONDENTS }, (_, i) => ({
    language: answered(LANGUAGES[i % 5]),
    consent: answered('yes'),
  }));
  // q1 over all 100 (the unfinished answered it): 5 declined; 7 other, one with its text declined.
  runs(answers, 'q1', 0, [
    a({ option: 'association' }, 10),
    a({ option: 'public' }, 30),
    a({ option: 'national' }, 5),
    a({ option: 'academic' }, 35),
    a({ option: 'school' }, 8),
    ...Array.from({ length: 6 }, (_, k): Run => a({ option: 'other', other: `Special library ${k + 1}` }, 1)),
    a({ option: 'other', otherDeclined: true }, 1),
    d(5),
  ]);
  runs(answers, 'q2', 0, [a('yes', 60), a('no', 35), d(5)]);
  runs(answers, 'q2a', 0, [
    a({ option: 'member' }, 20),
    a({ option: 'active_member' }, 15),
    a({ option: 'officer' }, 10),
    a({ option: 'former_officer' }, 5),
    ...Array.from({ length: 5 }, (_, k): Run => a({ option: 'other', other: `Association of ${k + 1}` }, 1)),
    d(5),
  ]);
  // Countries: old responses keep the bare code, newer ones carry the region too.
  const country = (code: string, region: string, subregion: string, count: number, from: number): Run[] =>
    Array.from({ length: count }, (_, k) => a((from + k) % 2 ? code : { code, region, subregion }, 1));
  let at = 0;
  const countries: Run[] = [];
  for (const [code, region, subregion, count] of [
    ['RU', '150', '151', 15],
    ['US', '019', '021', 20],
    ['EG', '002', '015', 18],
    ['AU', '009', '053', 6],
    ['CM', '002', '202', 5],
    ['OM', '142', '145', 4],
    ['SA', '142', '145', 4],
    ['LB', '142', '145', 3],
    ['FM', '009', '057', 3],
    ['MX', '019', '419', 3],
    ['GB', '150', '154', 2],
    ['CH', '150', '155', 1],
    ['CA', '019', '021', 1],
  ] as const) {
    countries.push(...country(code, region, subregion, count, at));
    at += count;
  }
  runs(answers, 'q3', 0, [...countries, d(5)]);
  runs(answers, 'q4', 0, [
    a({ option: 'up_to_4999' }, 20),
    a({ option: '5000_24999' }, 25),
    a({ option: '25000_49999' }, 10),
    a({ option: '50000_99999' }, 10),
    a({ option: '100000_plus' }, 15),
    a({ option: 'not_applicable' }, 4),
    // A band an older version of the flow had.
    a({ option: 'up_to_999' }, 1),
    d(5),
  ]);
  runs(answers, 'q5', 0, [a('yes', 30), a('no', 55), d(5)]);
  const amounts = (currency: string, values: number[]): Run[] =>
    values.map((amount) => a({ amount, currency }, 1));
  runs(answers, 'q5a', 0, [
    ...amounts('USD', [100, 200, 300, 400, 500, 600, 700, 800, 900, 10000]),
    ...amounts('RUB', [1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000]),
    ...amounts('EUR', [50, 150, 250, 1250.75]),
    a({ dontKnow: true }, 4),
    a({ noBudgetLine: true }, 2),
    d(2),
  ]);
  runs(answers, 'q6', 0, [
    a({ options: ['libraries', 'government', 'nonprofit', 'associations'] }, 30),
    a({ options: ['libraries', 'business', 'associations'] }, 15),
    a({ options: ['libraries', 'nonprofit', 'other'], other: 'Friends of the library' }, 5),
    a({ options: ['nonprofit'] }, 10),
    a({ options: ['other'], other: 'UN agencies' }, 1),
    a({ options: ['other'], otherDeclined: true }, 1),
    a({ options: ['associations', 'business'] }, 8),
    a({ options: ['none'] }, 10),
    d(10),
  ]);
  const order = (list: string[], auto = false): Answer =>
    auto
      ? { status: 'answered', value: { order: list, na: [] }, auto: true }
      : answered({ order: list, na: [] });
  runs(answers, 'q7', 0, [
    [order(['libraries', 'associations', 'nonprofit', 'government']), 15],
    [order(['government', 'libraries', 'associations', 'nonprofit']), 10],
    [order(['associations', 'libraries', 'government', 'nonprofit']), 3],
    d(2),
    [order(['libraries', 'associations', 'business']), 10],
    [order(['associations', 'business', 'libraries']), 5],
    [order(['other', 'libraries', 'nonprofit']), 5],
    [order(['nonprofit'], true), 10],
    [order(['other'], true), 2],
    [order(['business', 'associations']), 8],
  ]);
  const textRuns = (question: string, first: number, count: number, n: number, declines: number) => {
    for (let k = 0; k < count; k++) {
      const i = first + k;
      answers[i]![question] = answered(question === 'q8' && TRICKY[i] ? TRICKY[i] : text(i, n));
    }
    for (let k = 0; k < declines; k++) answers[first + count + k]![question] = declined;
  };
  textRuns('q8', 0, 60, 0, 10);
  textRuns('q9', 0, 50, 1, 20);
  runs(answers, 'q9a', 0, [
    a({ option: 'yes' }, 10),
    a({ option: 'partly' }, 10),
    a({ option: 'no' }, 5),
    d(5),
    a({ option: 'yes' }, 10),
    a({ option: 'partly' }, 5),
    a({ option: 'no' }, 5),
  ]);
  textRuns('q10', 0, 40, 0, 30);
  textRuns('q11', 0, 45, 1, 45);
  runs(answers, 'q12', 0, [a('yes', 40), a('no', 20), d(30)]);
  textRuns('q13', 0, 30, 0, 60);
  runs(answers, 'q14', 0, q14Patterns());
  textRuns('q15', 0, 36, 1, 54);
  runs(answers, 'q16', 0, [
    a({ options: ['face_to_face', 'focus_groups', 'mou'] }, 30),
    a({ options: ['face_to_face', 'mou', 'public_statements'] }, 20),
    ...Array.from({ length: 10 }, (_, k): Run => a({ options: ['other'], other: `Workshops ${k + 1}` }, 1)),
    a({ options: ['focus_groups'] }, 10),
    d(20),
  ]);
  runs(answers, 'q17', 0, [a({ agreed: 'yes' }, 20), a({ agreed: 'no' }, 60), d(10)]);

  // The unfinished stopped at q3: only q1, q2 (and q2a when it applied) are kept.
  for (let i = COMPLETE; i < RESPONDENTS; i++) {
    for (const q of Object.keys(answers[i]!)) {
      if (!['language', 'consent', 'q1', 'q2', 'q2a'].includes(q)) delete answers[i]![q];
    }
  }

  const start = Date.UTC(2025, 2, 1, 8);
  const records = answers.map((ans, i): ResponseRecord => {
    const durations: Record<string, number> = {};
    for (const q of Object.keys(ans))
      if (q.startsWith('q')) durations[q] = q === 'q1' ? (i + 1) * 1000 : 10_000;
    const startedAt = new Date(start + i * 3_600_000);
    const updatedAt = new Date(startedAt.getTime() + 1_200_000);
    const complete = i < COMPLETE;
    return {
      id: id(i),
      flowId: 'advocacy',
      flowVersion: 1,
      locale: LANGUAGES[i % 5]!,
      channel: i < 50 ? 'telegram' : i < 80 ? 'discord' : 'terminal',
      respondent: `p-${id(i)}`,
      ...(i < 15 ? { invitation: 'INV-RU' } : i < 35 ? { invitation: 'INV-US' } : {}),
      status: complete ? 'complete' : 'partial',
      answers: ans,
      durations,
      startedAt,
      updatedAt,
      ...(complete ? { finishedAt: updatedAt } : {}),
    };
  });
  // Earlier unfinished attempts of r000 (who then finished) and r099 (who stopped again later).
  const early = ({ finishedAt: _, ...r }: ResponseRecord, hours: number): ResponseRecord => ({
    ...r,
    id: `${r.id}-early`,
    status: 'partial',
    answers: { language: r.answers.language!, consent: r.answers.consent!, q1: declined },
    durations: { q1: 1 },
    startedAt: new Date(r.startedAt.getTime() - hours * 3_600_000),
    updatedAt: new Date(r.startedAt.getTime() - hours * 3_600_000 + 60_000),
  });
  return [early(records[0]!, 48), ...records, early(records[99]!, 2)];
}

export const FIXTURE_INVITATIONS: Invitation[] = [
  {
    token: 'INV-RU',
    campaign: 'pilot',
    coordinator: 'irina',
    region: '150',
    maxUses: null,
    uses: 15,
    revoked: false,
    createdAt: new Date(Date.UTC(2025, 1, 1)),
  },
  {
    token: 'INV-US',
    campaign: 'pilot',
    coordinator: 'zola',
    region: '019',
    maxUses: null,
    uses: 20,
    revoked: false,
    createdAt: new Date(Date.UTC(2025, 1, 1)),
  },
];

/** Two coders on q9's first 20 answers (they differ on r004 and r017), a final word on r004, one coder on r020–r024. */
export function fixtureCodings(): Coding[] {
  const coding = (i: number, coder: string, codes: string[]): Coding => ({
    flowId: 'advocacy',
    question: 'q9',
    responseId: id(i),
    respondent: `p-${id(i)}`,
    coder,
    codes,
    at: new Date(Date.UTC(2025, 3, 1)),
  });
  const byAlice = (i: number) =>
    i < 5
      ? ['financing']
      : i < 10
        ? ['lack_of_time']
        : i < 15
          ? ['misunderstanding_role']
          : i < 18
            ? ['financing', 'bureaucracy']
            : ['no_problem'];
  const out: Coding[] = [];
  for (let i = 0; i < 20; i++) {
    out.push(coding(i, 'alice', byAlice(i)));
    out.push(coding(i, 'bob', i === 4 ? ['lack_of_time'] : i === 17 ? ['financing'] : byAlice(i)));
  }
  out.push(coding(4, 'final', ['financing']));
  for (let i = 20; i < 25; i++) out.push(coding(i, 'alice', ['other']));
  return out;
}
