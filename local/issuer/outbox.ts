import { appendFileSync, existsSync, readFileSync } from 'node:fs';

/** An invitation as Cognito would e-mail it: who, and the one-time password to sign in with. */
export interface Invitation {
  readonly to: string;
  readonly temporaryPassword: string;
  readonly time: string;
}

/**
 * The local platform's mail: no e-mail leaves this machine, so invitations are written
 * here (one JSON line each, under the state directory), where `npm run onboard` and the
 * operator read them.
 */
export class InvitationOutbox {
  constructor(private readonly file: string) {}

  send(invitation: Omit<Invitation, 'time'>): void {
    appendFileSync(this.file, `${JSON.stringify({ ...invitation, time: new Date().toISOString() })}\n`);
  }

  /** The newest invitation sent to this address, if any. */
  latestFor(email: string): Invitation | undefined {
    if (!existsSync(this.file)) return undefined;
    return readFileSync(this.file, 'utf8')
      .split('\n')
      .filter((line) => line.trim())
      .map((line) => JSON.parse(line) as Invitation)
      .filter((invitation) => invitation.to === email.toLowerCase())
      .at(-1);
  }
}

/** Where a platform's outbox lives in its state directory. */
export const outboxFileName = 'outbox.jsonl';
