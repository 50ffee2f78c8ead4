import { choose, decline, multi, na, rank, type, undo, type Script } from './discord-script.ts';

/** Texts a respondent types, per language. */
export const TYPED = {
  en: {
    country: 'Egypt',
    country2: 'Kenya',
    other: 'Rotary club',
    library: 'Ministry library',
    text: 'A reading campaign with the city.',
    name: 'Amal',
  },
  ru: {
    country: 'Египет',
    country2: 'Кения',
    other: 'Ротари-клуб',
    library: 'Библиотека министерства',
    text: 'Кампания чтения вместе с городом.',
    name: 'Анна',
  },
  ar: {
    country: 'مصر',
    country2: 'كينيا',
    other: 'نادي الروتاري',
    library: 'مكتبة الوزارة',
    text: 'حملة قراءة مع المدينة.',
    name: 'أمل',
  },
} as const;
export type Lng = keyof typeof TYPED;

/** A member of an association whose library works with partners: every branch of the flow. */
export function memberWithPartners(lng: Lng): Script {
  const w = TYPED[lng];
  return [
    ['language', choose(lng)],
    ['consent', choose('yes')],
    ['q1', choose('public')],
    ['q2', choose('yes')],
    ['q2a', choose('active_member')],
    ['q3', type(w.country)],
    ['q4', choose('25000_49999')],
    ['q5', choose('yes')],
    ['q5a', type('1 500'), choose('EGP'), choose('yes')],
    ['q6', multi('libraries', 'government', 'other'), type(w.other)],
    ['q7', rank('government'), undo, rank('other'), rank('government')],
    ['q8', type(w.text)],
    ['q9', type(w.text)],
    ['q9a', choose('partly')],
    ['q9b', type(w.text)],
    ['q10', type(w.text)],
    ['q11', type(w.text)],
    ['q11b', type(`${w.text} https://example.org/kit`)],
    ['q12', choose('yes')],
    ['q13', decline],
    [
      'q14',
      rank('associations'),
      na('business'),
      rank('libraries'),
      rank('government'),
      na('others'),
      rank('nonprofit'),
    ],
    ['q15', type(w.text)],
    ['q16', multi('mou', 'face_to_face')],
    ['q17', choose('yes'), type(w.name), choose('email'), type('amal@example.org'), choose(lng)],
  ];
}

/** Not a member, no partners: the partner questions are skipped. */
export function nonMemberWithoutPartners(lng: Lng): Script {
  const w = TYPED[lng];
  return [
    ['language', choose(lng)],
    ['consent', choose('yes')],
    ['q1', choose('other'), type(w.library)],
    ['q2', choose('no')],
    ['q3', type(w.country2)],
    ['q4', choose('not_applicable')],
    ['q5', choose('no')],
    ['q6', multi('none')],
    ['q11', decline],
    ['q11b', choose('none_created')],
    ['q12', choose('no')],
    ['q13', type(w.text)],
    ['q14', type('3,1'), choose('unranked')],
    ['q15', type(w.text)],
    ['q16', multi('public_statements')],
    ['q17', choose('no')],
  ];
}
