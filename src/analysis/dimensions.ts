import { questionAt, type Flow, type Question } from '../engine/flow.ts';
import { ARAB_STATES } from '../engine/regions.ts';
import type { Invitation } from '../store/invitation-store.ts';
import type { ResponseRecord } from '../store/response-store.ts';
import { readCountry, readMulti, readSingle, readYesNo } from './answers.ts';
import type { DimensionInfo } from './model.ts';

/** What a record is grouped by besides its answers: its invitation's campaign and coordinator. */
export type InvitationsByToken = ReadonlyMap<string, Pick<Invitation, 'campaign' | 'coordinator' | 'region'>>;

/** A way to group respondents, as `--by`, `--where` and `--cross` name it. */
export interface Dimension extends DimensionInfo {
  /** Several keys only for a multiple-choice question; none when the respondent has no value. */
  keysOf(record: ResponseRecord): string[];
  multiple: boolean;
}

/** The key of the group `q3=RU` sets against the given value. */
export const REST = 'rest';

export class DimensionError extends Error {
  override name = 'DimensionError';
}

const META = ['language', 'channel', 'campaign', 'coordinator', 'region', 'subregion', 'arab'] as const;

/** Names the report accepts, for messages. */
export function dimensionNames(flow: Flow): string[] {
  return [...META, ...groupable(flow).map((q) => q.id)];
}

function groupable(flow: Flow): Question[] {
  return flow.questions.filter((q) => ['yesno', 'single', 'multi', 'country', 'contact'].includes(q.type));
}

/**
 * Parses `region`, `q3`, `q3=RU` (that value against the rest) into a dimension. The region of a
 * respondent is that of their answer to the flow's country question.
 */
export function parseDimension(flow: Flow, name: string, invitations: InvitationsByToken): Dimension {
  const [base, value] = name.split('=', 2) as [string, string | undefined];
  const plain = plainDimension(flow, base.trim(), invitations);
  if (value === undefined) return { ...plain, name };
  const wanted = value.trim();
  return {
    ...plain,
    name,
    value: wanted,
    multiple: false,
    keysOf(record) {
      const keys = plain.keysOf(record);
      if (keys.length === 0) return [];
      return [keys.includes(wanted) ? wanted : REST];
    },
  };
}

function plainDimension(flow: Flow, name: string, invitations: InvitationsByToken): Dimension {
  const one = (key: string | undefined | null) => (key ? [key] : []);
  const invitation = (r: ResponseRecord) => (r.invitation ? invitations.get(r.invitation) : undefined);
  const countryQuestion = flow.questions.find((q) => q.type === 'country');
  const country = (r: ResponseRecord) => {
    const answer = countryQuestion ? r.answers[countryQuestion.id] : undefined;
    return answer?.status === 'answered' ? readCountry(answer.value) : null;
  };
  const meta = (kind: DimensionInfo['kind'], keysOf: (r: ResponseRecord) => string[]): Dimension => ({
    name,
    kind,
    multiple: false,
    keysOf,
  });
  switch (name) {
    case 'language':
      return meta('language', (r) => [r.locale]);
    case 'channel':
      return meta('channel', (r) => [r.channel]);
    case 'campaign':
      return meta('campaign', (r) => one(invitation(r)?.campaign));
    case 'coordinator':
      return meta('coordinator', (r) => one(invitation(r)?.coordinator));
    case 'region':
    case 'subregion':
      if (!countryQuestion)
        throw new DimensionError(`flow ${flow.id} has no country question to take ${name}s from`);
      return meta(name, (r) => one(country(r)?.[name]));
    case 'arab':
      if (!countryQuestion) throw new DimensionError(`flow ${flow.id} has no country question`);
      return meta('arab', (r) => {
        const c = country(r);
        return c ? [ARAB_STATES.has(c.code) ? 'arab' : 'other'] : [];
      });
  }
  if (!flow.index.has(name)) {
    throw new DimensionError(`"${name}" is neither a question of ${flow.id} nor one of ${META.join(', ')}`);
  }
  const question = questionAt(flow, name);
  const answered = (r: ResponseRecord) => {
    const a = r.answers[question.id];
    return a?.status === 'answered' ? a.value : undefined;
  };
  const base = { name, kind: 'question' as const, question: question.id };
  switch (question.type) {
    case 'yesno':
    case 'contact':
      return { ...base, multiple: false, keysOf: (r) => one(readYesNo(answered(r))?.option) };
    case 'single':
      return { ...base, multiple: false, keysOf: (r) => one(readSingle(answered(r))?.option) };
    case 'country':
      return { ...base, multiple: false, keysOf: (r) => one(readCountry(answered(r))?.code) };
    case 'multi':
      return { ...base, multiple: true, keysOf: (r) => readMulti(answered(r))?.options ?? [] };
    default:
      throw new DimensionError(
        `${name} is a ${question.type} question; group by ${groupable(flow)
          .map((q) => q.id)
          .join(', ')} or ${META.join(', ')}`,
      );
  }
}

/** `--where q3=RU`, `--where q3!=RU`, `--where region=002,019`: keeps a record when it matches. */
export interface Condition {
  text: string;
  test(record: ResponseRecord): boolean;
}

export function parseWhere(flow: Flow, text: string, invitations: InvitationsByToken): Condition {
  const match = /^([^!=]+)(!?=)(.+)$/.exec(text);
  if (!match) throw new DimensionError(`--where "${text}": write it as name=value or name!=value`);
  const dimension = parseDimension(flow, match[1]!.trim(), invitations);
  const values = match[3]!.split(',').map((v) => v.trim());
  const negate = match[2] === '!=';
  return {
    text,
    test(record) {
      const hit = dimension.keysOf(record).some((k) => values.includes(k));
      return negate ? !hit : hit;
    },
  };
}
