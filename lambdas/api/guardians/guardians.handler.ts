import { CognitoUserDirectory, type UserDirectory } from '../../shared/user-directory';
import { resourceImplementations } from '../resource-crud';
import { wakeDispatcherAt } from '../../shared/notification-outbox';
import { schoolRoutes } from '../school-handler';
import { inviteGuardian, linkGuardian, unlinkGuardian } from './guardians';
import { guardianResource, guardianRoutes } from './guardians.routes';

let directory: UserDirectory | undefined;

export const handler = schoolRoutes(guardianRoutes, {
  ...resourceImplementations(guardianResource),
  linkGuardian: async ({ db, params, body }) =>
    linkGuardian(db, params.studentId, params.guardianId, body.relationship),
  unlinkGuardian: async ({ db, params }) => unlinkGuardian(db, params.studentId, params.guardianId),
  inviteGuardian: async ({ db, principal, params }) => {
    const invited = await inviteGuardian(
      db,
      (directory ??= new CognitoUserDirectory()),
      principal.schoolId,
      params.guardianId,
    );
    // The invitation was asked in the guardian record's statement: the dispatcher sends it now.
    await wakeDispatcherAt({ schoolId: principal.schoolId, dueAt: new Date().toISOString() });
    return invited;
  },
});
