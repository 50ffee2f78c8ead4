import type { Text } from '../engine/prompt.ts';
import type { StaffMember } from '../staff/staff.ts';
import type { Campaigns } from './campaigns.ts';

const say = (key: string, params?: Text['params']): Text => ({
  key: `campaigns:chat.${key}`,
  ...(params ? { params } : {}),
});

/**
 * `/campaign`: the member's own campaigns with their first figures; `/campaign <id>`: that
 * campaign's funnel, median time and where unfinished surveys stopped. Someone else's campaign
 * reads as no campaign at all.
 */
export async function campaignTexts(
  campaigns: Campaigns | undefined,
  member: StaffMember,
  args: string,
): Promise<Text[]> {
  const id = args.trim().split(/\s+/)[0]?.slice(0, 48) ?? '';
  if (!campaigns) return [say('none')];
  if (!id) {
    const mine = await campaigns.list(member);
    if (mine.length === 0) return [say('none')];
    const lines: Text[] = [];
    for (const campaign of mine.slice(0, 20)) {
      const funnel = await campaigns.funnel(member, campaign.id);
      const all = funnel.ok ? funnel.value.rows.find((r) => r.split === 'all') : undefined;
      lines.push(
        say('line', {
          id: campaign.id,
          name: campaign.name,
          status: say(`status_${campaign.status}`),
          invited: all?.invited ?? 0,
          delivered: all?.delivered ?? 0,
          started: all?.started ?? 0,
          completed: all?.completed ?? 0,
        }),
      );
    }
    return lines;
  }
  const [found, funnel] = await Promise.all([campaigns.get(member, id), campaigns.funnel(member, id)]);
  if (!found.ok || !funnel.ok) return [say('not_found', { id })];
  const all = funnel.value.rows.find((r) => r.split === 'all');
  const texts: Text[] = [
    say('funnel', {
      name: found.value.name,
      invited: all?.invited ?? 0,
      delivered: all?.delivered ?? 0,
      started: all?.started ?? 0,
      consented: all?.consented ?? 0,
      completed: all?.completed ?? 0,
      followUp: all?.followUp ?? 0,
    }),
  ];
  if (all?.medianSeconds != null) texts.push(say('median', { minutes: Math.round(all.medianSeconds / 60) }));
  const stops = [...funnel.value.dropOff].sort((a, b) => b.count - a.count).slice(0, 3);
  if (stops.length)
    texts.push(say('stopped', { questions: stops.map((s) => `${s.question} (${s.count})`).join(', ') }));
  return texts;
}
