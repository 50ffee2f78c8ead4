import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GatewayIntentBits, IntentsBitField, Partials } from 'discord.js';
import { createDiscordClient } from '../../src/channels/discord/client.ts';

test('the client asks for direct messages only, with the Channel partial so uncached DMs arrive', async () => {
  const client = createDiscordClient({ apiRoot: 'http://127.0.0.1:9/api' });
  try {
    assert.deepEqual(new IntentsBitField(client.options.intents).toArray(), ['DirectMessages']);
    assert.equal(new IntentsBitField(client.options.intents).has(GatewayIntentBits.MessageContent), false);
    assert.deepEqual(client.options.partials, [Partials.Channel]);
    assert.equal(client.options.rest?.api, 'http://127.0.0.1:9/api');
    assert.equal(client.options.rest?.globalRequestsPerSecond, 50, "Discord's global limit unless raised");
    assert.equal(client.options.shards, 'auto', 'every shard Discord recommends, in this process');
  } finally {
    await client.destroy();
  }
});
