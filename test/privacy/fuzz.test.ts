import { test } from 'node:test';
import { fuzzDiscord } from './fuzz-discord.ts';
import { fuzzTelegram } from './fuzz-telegram.ts';

/**
 * Issue 18's fuzz: 10,000 random and mutated updates through the real telegraf and discord.js
 * code. Telegram takes 6,000 (5,000 on the embedded stores, 1,000 on Redis and MongoDB), Discord
 * 4,000. The actions come from FUZZ_SEED (a fixed seed by default, printed with every failure).
 */
test('fuzz: 5,000 random and mutated Telegram updates on the embedded stores', async (t) => {
  await fuzzTelegram(t, 'embedded', 5000);
});

test('fuzz: 1,000 random and mutated Telegram updates on Redis and MongoDB', async (t) => {
  await fuzzTelegram(t, 'servers', 1000, 1 + Number(process.env.FUZZ_SEED ?? 18_2026));
});

test('fuzz: 4,000 random and mutated Discord interactions and messages through discord.js', async (t) => {
  await fuzzDiscord(t, 4000);
});
