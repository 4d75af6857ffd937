import { CognitoUserDirectory, type UserDirectory } from '../../shared/user-directory';
import { wakeDispatcherAt } from '../../shared/notification-outbox';
import { schoolRoutes } from '../school-handler';
import { changeStaffRole, deactivateStaff, inviteStaff, listStaff } from './staff';
import { staffRoutes } from './staff.routes';

let directory: UserDirectory | undefined;
const users = () => (directory ??= new CognitoUserDirectory());

export const handler = schoolRoutes(staffRoutes, {
  listStaff: async ({ db, query }) => listStaff(db, query),
  inviteStaff: async ({ db, principal, body }) => {
    const invited = await inviteStaff(db, users(), principal.schoolId, body);
    // The invitation was asked in the staff record's statement: the dispatcher sends it now.
    await wakeDispatcherAt({ schoolId: principal.schoolId, dueAt: new Date().toISOString() });
    return invited;
  },
  changeStaffRole: async ({ db, params, body }) => changeStaffRole(db, users(), params.staffId, body.role),
  deactivateStaff: async ({ db, params }) => deactivateStaff(db, users(), params.staffId),
});
