import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { describe, expect, it } from 'vitest';
import { enableNag } from '../../lib/campus-cloud';
import { nagAcknowledgementsIn } from '../../lib/cloud-assembly';
import { acknowledgements, assemblyDir } from '../support/assembly';
import { appLikeCli } from '../support/app';

/** At least a sentence: six words or more, ending with a full stop. */
const isSentence = (text: string) => text.trim().split(/\s+/).length >= 6 && /\.\s*$/.test(text);

describe('cdk-nag AwsSolutions', () => {
  it('leaves no unacknowledged finding in any stage (synthesis would have stopped)', () => {
    const report = JSON.parse(readFileSync(join(assemblyDir(), 'validation-report.json'), 'utf8'));
    expect(report.pluginReports).toEqual([]);
  });

  const ours = () => nagAcknowledgementsIn(assemblyDir());

  it('gives every acknowledgement a reason of at least a sentence', () => {
    const acks = ours();
    expect(acks.length).toBeGreaterThan(0);
    const weak = acks.filter((ack) => !isSentence(ack.reason)).map((ack) => `${ack.path} ${ack.rule}: "${ack.reason}"`);
    expect(weak).toEqual([]);
  });

  it('leaves only aws-cdk-lib’s own CloudFormation-validation acknowledgements besides them', () => {
    const nag = new Set(ours().map((ack) => `${ack.path} ${ack.rule}`));
    const others = acknowledgements().filter((ack) => !nag.has(`${ack.path} ${ack.rule}`));
    expect(others.filter((ack) => !ack.rule.startsWith('CloudFormation-Validate::'))).toEqual([]);
  });

  it('is switched on: an unencrypted topic stops synthesis', () => {
    const app = appLikeCli();
    new Topic(new Stack(app, 'Careless', { env: { region: 'eu-west-1' } }), 'Plain');
    enableNag(app);
    expect(() => app.synth()).toThrow(/AwsSolutions-SNS/);
  });

  it('rejects an acknowledgement without a proper reason in this test’s own terms', () => {
    expect(isSentence('Needed.')).toBe(false);
    expect(isSentence('CloudFront logging writes with ACLs, so this bucket keeps them.')).toBe(true);
  });
});
