import { json } from '../../shared/http';
import { CognitoUserDirectory, type UserDirectory } from '../../shared/user-directory';
import { schoolRoutes } from '../school-handler';
import { parseBody, parsePath, parseQuery } from '../validation';
import { invitation, roleChange, staffListQuery, staffPath } from './staff.schemas';
import { changeStaffRole, deactivateStaff, inviteStaff, listStaff } from './staff';
import { staffRoutes } from '../routes';

let directory: UserDirectory | undefined;
const users = () => (directory ??= new CognitoUserDirectory());

export const handler = schoolRoutes(staffRoutes(), {
  'GET /api/staff': async ({ event, db }) => json(200, await listStaff(db, parseQuery(staffListQuery, event))),
  'POST /api/staff': async ({ event, db, principal }) =>
    json(201, await inviteStaff(db, users(), principal.userId, principal.schoolId, parseBody(invitation, event))),
  'PUT /api/staff/{staffId}/role': async ({ event, db, principal }) =>
    json(
      200,
      await changeStaffRole(
        db,
        users(),
        principal.userId,
        parsePath(staffPath, event).staffId,
        parseBody(roleChange, event).role,
      ),
    ),
  'POST /api/staff/{staffId}/deactivate': async ({ event, db, principal }) =>
    json(200, await deactivateStaff(db, users(), principal.userId, parsePath(staffPath, event).staffId)),
});
