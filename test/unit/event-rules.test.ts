import { describe, expect, it } from 'vitest';
import { matchesPattern } from '../../local/events/event-rules';

describe('the local event bus’s pattern matching', () => {
  const event = {
    source: 'aws.ses',
    'detail-type': 'Email Bounced',
    detail: { mail: { tags: { 'ses:configuration-set': ['campus-local-notifications'], school: ['s1'] } } },
  };

  it('matches exact values, lists of values and nested patterns as EventBridge does', () => {
    expect(matchesPattern({ source: ['aws.ses'] }, event)).toBe(true);
    expect(matchesPattern({ 'detail-type': ['Email Delivered', 'Email Bounced'] }, event)).toBe(true);
    expect(
      matchesPattern(
        { detail: { mail: { tags: { 'ses:configuration-set': ['campus-local-notifications'] } } } },
        event,
      ),
    ).toBe(true);
  });

  it('refuses an event missing a field, with another value, or of another configuration set', () => {
    expect(matchesPattern({ source: ['aws.sms'] }, event)).toBe(false);
    expect(matchesPattern({ detail: { bounce: { bounceType: ['Permanent'] } } }, event)).toBe(false);
    expect(matchesPattern({ detail: { mail: { tags: { 'ses:configuration-set': ['other'] } } } }, event)).toBe(false);
  });
});
