import assert from 'node:assert/strict';
import { test } from 'node:test';
import { serverName } from '../../src/store/server-name.ts';

test('server names in logs keep scheme, hosts and database, and drop credentials and options', () => {
  const cases: [string, string][] = [
    ['redis://127.0.0.1:6379', 'redis://127.0.0.1:6379'],
    ['redis://:pa55@127.0.0.1:6379/2', 'redis://127.0.0.1:6379/2'],
    ['rediss://user:pa55@cache.example:6380', 'rediss://cache.example:6380'],
    ['mongodb://127.0.0.1:27017', 'mongodb://127.0.0.1:27017'],
    ['mongodb://127.0.0.1:27017/', 'mongodb://127.0.0.1:27017'],
    [
      'mongodb://bot:pa55@db1:27017,db2:27017/survey?replicaSet=rs0&tlsCertificateKeyFilePassword=pa55',
      'mongodb://db1:27017,db2:27017/survey',
    ],
    ['mongodb+srv://bot:p%40ss@cluster0.example.net/survey', 'mongodb+srv://cluster0.example.net/survey'],
    ['not a url pa55', '(unparsable address)'],
  ];
  for (const [url, name] of cases) {
    assert.equal(serverName(url), name);
    assert.doesNotMatch(serverName(url), /pa55|p%40ss/);
  }
});
