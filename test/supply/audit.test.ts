import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decide } from '../../.ci/audit.ts';

const report = {
  auditReportVersion: 2,
  vulnerabilities: {
    somepkg: {
      severity: 'high',
      via: [
        {
          source: 1,
          name: 'somepkg',
          title: 'Prototype pollution',
          url: 'https://github.com/advisories/GHSA-aaaa-bbbb-cccc',
          severity: 'high',
        },
      ],
    },
    other: {
      severity: 'moderate',
      via: [{ source: 2, url: 'https://github.com/advisories/GHSA-dddd-eeee-ffff', severity: 'moderate' }],
    },
    transitive: { severity: 'high', via: ['somepkg'] },
  },
};

test('npm audit step: a high advisory fails; moderate ones and transitive mentions do not count twice', () => {
  const verdict = decide(report, [], '2026-11-29');
  assert.deepEqual(verdict, {
    status: 'failed',
    advisories: ['GHSA-aaaa-bbbb-cccc (high) in somepkg: Prototype pollution'],
    accepted: [],
  });
});

test('npm audit step: an accepted advisory passes until its date, then fails again', () => {
  const accepted = [
    { id: 'GHSA-aaaa-bbbb-cccc', reason: 'not reachable from our code', until: '2026-12-31' },
  ];
  assert.equal(decide(report, accepted, '2026-11-29').status, 'ok');
  assert.equal(decide(report, accepted, '2027-01-01').status, 'failed');
});

test('npm audit step: an unreachable audit endpoint is reported as not checked, not as a pass or a failure', () => {
  const offline = {
    message: '405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk',
    statusCode: 405,
  };
  assert.deepEqual(decide(offline, [], '2026-11-29'), { status: 'unreachable', reason: offline.message });
  assert.equal(decide({ auditReportVersion: 2, vulnerabilities: {} }, [], '2026-11-29').status, 'ok');
});
