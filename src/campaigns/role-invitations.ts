import {
  ButtonStyle,
  ComponentType,
  DiscordAPIError,
  RESTJSONErrorCodes,
  Routes,
  type APIDMChannel,
  type APIGuildMember,
  type REST,
} from 'discord.js';
import { encodeComponentId } from '../channels/discord/custom-id.ts';
import type { Translator } from '../i18n/translator.ts';
import type { Logger } from '../log.ts';
import type { AddressBook } from '../store/address-book.ts';
import type { CampaignStore } from '../store/campaign-store.ts';
import type { SendLog, SendStatus } from '../store/send-log.ts';
import { campaignRefusal } from './campaign.ts';

export interface RoleInvitationDeps {
  campaigns: Pick<CampaignStore, 'get'>;
  sends: SendLog;
  addresses: Pick<AddressBook, 'get'>;
  translator: Translator;
  /** discord.js REST with the bot's token: its queues pace every request to Discord's limits. */
  rest: REST;
  /** The respondent pseudonym of a platform user (the service's). */
  respondentOf: (channel: string, user: string) => string;
  log: Logger;
  clock?: () => number;
}

export interface RoleInvitation {
  campaign: string;
  /** The Discord server and the role whose members are invited. */
  guild: string;
  role: string;
  /** The campaign's token the button and the command carry. */
  token: string;
  /** The language of the message (Discord does not tell a member's language). */
  language: string;
}

export interface RoleInvitationSummary {
  /** Members with the role (bots left out). */
  members: number;
  sent: number;
  /** They accept no DMs from the server's members (Discord 50007): recorded and skipped. */
  dmsClosed: number;
  failed: number;
  /** Invited before, already known to the bot (started, or opted out with /stop). */
  skipped: number;
  stopped?: 'closed';
}

/** One DM invitation per member and campaign, whatever role they were invited by. */
export const roleInvitationKey = (campaign: string, respondent: string) =>
  `invite-dm:${campaign}:${respondent}`;

const PAGE = 1000;
/** Discord shows the slash command under the names of the reader's language (it has no Arabic). */
const DISCORD_LANGUAGES = new Set(['en', 'ru', 'es', 'fr']);

/**
 * The user ids of a server's members with the role, page by page (Discord's REST list, which
 * needs the Server Members intent enabled for the application). The @everyone role's id is the
 * server's own.
 */
export async function* roleMembers(rest: REST, guild: string, role: string): AsyncIterable<string> {
  for (let after = '0'; ;) {
    const query = new URLSearchParams({ limit: String(PAGE), after });
    const page = (await rest.get(Routes.guildMembers(guild), { query })) as APIGuildMember[];
    for (const member of page)
      if (member.user && !member.user.bot && (role === guild || member.roles.includes(role)))
        yield member.user.id;
    const last = page.at(-1)?.user?.id;
    if (page.length < PAGE || !last) return;
    after = last;
  }
}

/**
 * Invites the members of a Discord role by DM: the "take the survey" button with the campaign's
 * token, and the `/survey start code:` command. One member at a time through discord.js's REST
 * queues (per-route buckets, the global limit, 429s waited out). Each DM is claimed in the send
 * log before it is sent (by the member's pseudonym, never their Discord id), so a run repeated or
 * taken up after a crash invites nobody twice (at most once, as reminders). Someone already known
 * to the bot (who started, or said `/survey stop`) is skipped; someone who refuses DMs (50007) is
 * recorded as refused and not tried again. The campaign is read before each DM: closed, it stops.
 */
export async function sendRoleInvitations(
  deps: RoleInvitationDeps,
  invite: RoleInvitation,
): Promise<RoleInvitationSummary> {
  const clock = deps.clock ?? Date.now;
  const summary: RoleInvitationSummary = { members: 0, sent: 0, dmsClosed: 0, failed: 0, skipped: 0 };
  for await (const user of roleMembers(deps.rest, invite.guild, invite.role)) {
    summary.members++;
    const campaign = await deps.campaigns.get(invite.campaign);
    if (!campaign || campaignRefusal(campaign, new Date(clock())) !== null) {
      summary.stopped = 'closed';
      break;
    }
    const respondent = deps.respondentOf('discord', user);
    if (await deps.addresses.get(respondent, 'discord')) {
      summary.skipped++;
      continue;
    }
    const key = roleInvitationKey(invite.campaign, respondent);
    const claimed = await deps.sends.begin({
      key,
      campaign: invite.campaign,
      kind: 'invitation',
      channel: 'discord',
      respondent,
      startedAt: new Date(clock()),
    });
    if (!claimed) {
      summary.skipped++;
      continue;
    }
    const [status, detail] = await deliver(deps, user, message(deps.translator, invite, campaign));
    await deps.sends.finish(key, status, new Date(clock()), detail);
    if (status === 'sent') summary.sent++;
    else if (detail === 'dms_closed') summary.dmsClosed++;
    else summary.failed++;
  }
  deps.log.info({ campaign: invite.campaign, ...summary }, 'role invitations sent');
  return summary;
}

function message(
  translator: Translator,
  invite: RoleInvitation,
  campaign: { name: string; consentOrganisation: string },
) {
  const t = translator.translatorFor(invite.language);
  const names = translator.translatorFor(DISCORD_LANGUAGES.has(invite.language) ? invite.language : 'en', {
    isolate: false,
  });
  const name = (key: string) => names({ key: `discord:commands.${key}.name` });
  const command = `/${name('survey')} ${name('start')} ${name('code')}:${invite.token}`;
  const params = { organisation: campaign.consentOrganisation, campaign: campaign.name };
  return {
    content: [
      t({ key: 'campaigns:discord_invite.text', params }),
      t({ key: 'campaigns:discord_invite.command', params: { command } }),
      t({ key: 'campaigns:discord_invite.stop' }),
    ].join('\n\n'),
    components: [
      {
        type: ComponentType.ActionRow,
        components: [
          {
            type: ComponentType.Button,
            style: ButtonStyle.Primary,
            label: t({ key: 'discord:take.button' }),
            custom_id: encodeComponentId({ kind: 'take', invitation: invite.token })!,
          },
        ],
      },
    ],
    allowed_mentions: { parse: [] },
  };
}

async function deliver(
  deps: RoleInvitationDeps,
  user: string,
  body: ReturnType<typeof message>,
): Promise<[Exclude<SendStatus, 'sending'>, string | undefined]> {
  try {
    const dm = (await deps.rest.post(Routes.userChannels(), {
      body: { recipient_id: user },
    })) as APIDMChannel;
    await deps.rest.post(Routes.channelMessages(dm.id), { body });
    return ['sent', undefined];
  } catch (error) {
    if (error instanceof DiscordAPIError) {
      if (error.code === RESTJSONErrorCodes.CannotSendMessagesToThisUser) return ['refused', 'dms_closed'];
      return ['failed', String(error.code)];
    }
    deps.log.warn({ err: error }, 'role invitation not sent');
    return ['failed', 'error'];
  }
}
