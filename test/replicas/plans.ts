import type { Step } from '../telegram/respondent.ts';

/** What one respondent does on each question, and the answers that must be stored for it. */
export interface Plan {
  languageCode: string;
  steps: Record<string, Step[]>;
  answers: Record<string, unknown>;
}

/**
 * Three kinds of respondent, taken in turn. Free texts carry the respondent's number, so an
 * answer stored for the wrong respondent, or twice, cannot go unnoticed.
 */
export function planFor(n: number): Plan {
  switch (n % 3) {
    case 0:
      return {
        languageCode: 'en',
        steps: {
          language: [{ choose: 'en' }],
          consent: [{ choose: 'yes' }],
          q1: [{ choose: 'other' }, { type: `Museum library ${n}` }],
          q2: [{ choose: 'yes' }],
          q2a: [{ choose: 'active_member' }],
          q3: [{ type: 'Egypt' }],
          q4: [{ choose: '25000_49999' }],
          q5: [{ choose: 'yes' }],
          q5a: [{ type: String(1000 + n) }, { choose: 'EGP' }, { choose: 'yes' }],
          q6: [{ choose: 'libraries' }, { choose: 'government' }, 'done'],
          q7: [{ choose: 'government' }],
          q8: [{ type: `Reading week ${n}` }],
          q9: [{ type: `Bureaucracy ${n}` }],
          q9a: [{ choose: 'partly' }],
          q9b: [{ type: `Patience ${n}` }],
          q10: [{ type: `A budget line ${n}` }],
          q11: ['skip'],
          q11b: ['skip'],
          q12: [{ choose: 'yes' }],
          q13: [{ type: `Time for partners ${n}` }],
          q14: [
            { choose: 'government' },
            { na: 'business' },
            { choose: 'libraries' },
            'undo',
            { choose: 'associations' },
            { choose: 'libraries' },
            { na: 'others' },
            { choose: 'nonprofit' },
          ],
          q15: [{ type: `Joint advocacy ${n}` }],
          q16: [{ choose: 'face_to_face' }, { choose: 'mou' }, 'done'],
          q17: [{ choose: 'no' }],
        },
        answers: {
          language: 'en',
          consent: 'yes',
          q1: { option: 'other', other: `Museum library ${n}` },
          q2: 'yes',
          q2a: { option: 'active_member' },
          q3: { code: 'EG', region: '002', subregion: '015' },
          q4: { option: '25000_49999' },
          q5: 'yes',
          q5a: { amount: 1000 + n, currency: 'EGP' },
          q6: { options: ['libraries', 'government'] },
          q7: { order: ['government', 'libraries'], na: [] },
          q8: `Reading week ${n}`,
          q9: `Bureaucracy ${n}`,
          q9a: { option: 'partly' },
          q9b: `Patience ${n}`,
          q10: `A budget line ${n}`,
          q11: 'declined',
          q11b: 'declined',
          q12: 'yes',
          q13: `Time for partners ${n}`,
          q14: {
            order: ['government', 'associations', 'libraries', 'nonprofit'],
            na: ['business', 'others'],
          },
          q15: `Joint advocacy ${n}`,
          q16: { options: ['face_to_face', 'mou'] },
          q17: { agreed: 'no' },
        },
      };
    case 1:
      return {
        languageCode: 'ru',
        steps: {
          language: [{ choose: 'ru' }],
          consent: [{ choose: 'yes' }],
          q1: [{ type: '2' }],
          q2: [{ choose: 'no' }],
          q3: [{ type: 'Россия' }],
          q4: [{ choose: 'up_to_4999' }],
          q5: [{ choose: 'no' }],
          q6: [{ choose: 'none' }, 'done'],
          q11: [{ type: `Работаем одни ${n}` }],
          q11b: [{ choose: 'none_created' }],
          q12: [{ choose: 'no' }],
          q13: ['skip'],
          q14: [{ type: '2,1' }, { choose: 'not_applicable' }],
          q15: [{ type: `Найти партнёров ${n}` }],
          q16: [{ type: '1,3' }],
          q17: [{ choose: 'no' }],
        },
        answers: {
          language: 'ru',
          consent: 'yes',
          q1: { option: 'public' },
          q2: 'no',
          q3: { code: 'RU', region: '150', subregion: '151' },
          q4: { option: 'up_to_4999' },
          q5: 'no',
          q6: { options: ['none'] },
          q11: `Работаем одни ${n}`,
          q11b: { option: 'none_created' },
          q12: 'no',
          q13: 'declined',
          q14: {
            order: ['government', 'libraries'],
            na: ['business', 'nonprofit', 'associations', 'others'],
          },
          q15: `Найти партнёров ${n}`,
          q16: { options: ['face_to_face', 'mou'] },
          q17: { agreed: 'no' },
        },
      };
    default:
      return {
        languageCode: 'es',
        steps: {
          language: [{ choose: 'es' }],
          consent: [{ choose: 'yes' }],
          q1: [{ choose: 'academic' }],
          q2: [{ choose: 'no' }],
          q3: [{ type: 'México' }],
          q4: [{ choose: 'up_to_4999' }],
          q5: [{ choose: 'yes' }],
          q5a: [{ type: `${200 + n} MXN` }, { choose: 'yes' }],
          q6: [{ type: '7' }],
          q11: [{ type: `Solos ${n}` }],
          q11b: ['skip'],
          q12: [{ choose: 'yes' }],
          q13: [{ type: `Ayuda ${n}` }],
          q14: [{ type: '2,1' }, { choose: 'not_applicable' }],
          q15: [{ type: `Más fondos ${n}` }],
          q16: [{ choose: 'mou' }, 'done'],
          q17: [{ choose: 'no' }],
        },
        answers: {
          language: 'es',
          consent: 'yes',
          q1: { option: 'academic' },
          q2: 'no',
          q3: { code: 'MX', region: '019', subregion: '419' },
          q4: { option: 'up_to_4999' },
          q5: 'yes',
          q5a: { amount: 200 + n, currency: 'MXN' },
          q6: { options: ['none'] },
          q11: `Solos ${n}`,
          q11b: 'declined',
          q12: 'yes',
          q13: `Ayuda ${n}`,
          q14: {
            order: ['government', 'libraries'],
            na: ['business', 'nonprofit', 'associations', 'others'],
          },
          q15: `Más fondos ${n}`,
          q16: { options: ['mou'] },
          q17: { agreed: 'no' },
        },
      };
  }
}
