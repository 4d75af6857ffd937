import { json } from '../../shared/http';
import { callerOf } from '../class-access';
import { schoolRoutes } from '../school-handler';
import { parseBody, parsePath } from '../validation';
import { classDay, classMarks } from './attendance.schemas';
import { classDaySheet, markClassDay } from './attendance';

export const handler = schoolRoutes({
  'GET /api/classes/{classId}/attendance/{date}': async (request) => {
    const { classId, date } = parsePath(classDay, request.event);
    return json(200, await classDaySheet(request.db, callerOf(request), classId, date));
  },
  'PUT /api/classes/{classId}/attendance/{date}': async (request) => {
    const { classId, date } = parsePath(classDay, request.event);
    const marks = parseBody(classMarks, request.event);
    return json(200, await markClassDay(request.db, callerOf(request), classId, date, marks));
  },
});
