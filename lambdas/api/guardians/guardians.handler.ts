import { json } from '../../shared/http';
import { CognitoUserDirectory, type UserDirectory } from '../../shared/user-directory';
import { resourceHandlers } from '../resource-crud';
import { schoolRoutes } from '../school-handler';
import { parseBody, parsePath } from '../validation';
import { guardian, guardianLink, guardianLinkPath, guardianPath, guardians } from './guardian.schemas';
import { inviteGuardian, linkGuardian, unlinkGuardian } from './guardians';
import { guardianRoutes } from '../routes';

let directory: UserDirectory | undefined;

export const handler = schoolRoutes(guardianRoutes(), {
  'POST /api/guardians/{guardianId}/invite': async ({ event, db, principal }) =>
    json(
      200,
      await inviteGuardian(
        db,
        (directory ??= new CognitoUserDirectory()),
        principal.userId,
        principal.schoolId,
        parsePath(guardianPath, event).guardianId,
      ),
    ),
  ...resourceHandlers('/api/guardians', guardians, guardian, 'guardianId'),
  'PUT /api/students/{studentId}/guardians/{guardianId}': async ({ event, db, principal }) => {
    const { studentId, guardianId } = parsePath(guardianLinkPath, event);
    const { relationship } = parseBody(guardianLink, event);
    return json(200, await linkGuardian(db, principal.userId, studentId, guardianId, relationship));
  },
  'DELETE /api/students/{studentId}/guardians/{guardianId}': async ({ event, db, principal }) => {
    const { studentId, guardianId } = parsePath(guardianLinkPath, event);
    await unlinkGuardian(db, principal.userId, studentId, guardianId);
    return { statusCode: 204 };
  },
});
