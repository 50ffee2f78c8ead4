import type { Client } from 'discord.js';
import type { Logger } from '../../log.ts';

/**
 * A gateway event discord.js cannot read (a field Discord always sends missing, or of another
 * type) throws inside discord.js's socket handler, an unhandled rejection that would end the
 * process for every respondent. Such an event is dropped and logged by its type and the error's
 * name only: its content may be personal.
 */
export function dropUnreadableEvents(client: Client, log: Logger): void {
  // discord.js's private entry for every gateway event; its typings mark it private.
  const ws = client.ws as unknown as { handlePacket(packet?: unknown, shard?: unknown): boolean };
  const handle = ws.handlePacket.bind(ws);
  ws.handlePacket = (packet, shard) => {
    try {
      return handle(packet, shard);
    } catch (error) {
      const event = (packet as { t?: unknown } | null)?.t;
      log.warn(
        { event: typeof event === 'string' ? event.slice(0, 40) : null, error: (error as Error)?.name },
        'discord gateway event unreadable: dropped',
      );
      return true;
    }
  };
}
