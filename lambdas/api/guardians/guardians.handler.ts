import { json } from '../../shared/http';
import { resourceHandlers } from '../resource-crud';
import { schoolRoutes } from '../school-handler';
import { parseBody, parsePath } from '../validation';
import { guardian, guardianLink, guardianLinkPath, guardians } from './guardian.schemas';
import { linkGuardian, unlinkGuardian } from './guardians';

export const handler = schoolRoutes({
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
