import { MemorySessionStore } from '../../src/store/memory-session-store.ts';
import { REDIS_KINDS, redisFor } from '../support/stores.ts';
import { sessionStoreContract } from './session-store.contract.ts';

sessionStoreContract('memory', async () => {
  const store = new MemorySessionStore();
  return { store, putRaw: async (key, json, version) => store.putRaw(key, json, version) };
});

for (const kind of REDIS_KINDS)
  sessionStoreContract(kind, async (t) => {
    const setup = await redisFor(t, kind);
    if (!setup) return null;
    const store = setup.newStore();
    return {
      store,
      putRaw: async (key, json, version) => {
        await setup.redis.hset(store.redisKey(key), {
          v: version === null ? 'x' : String(version),
          j: json,
        });
      },
    };
  });
