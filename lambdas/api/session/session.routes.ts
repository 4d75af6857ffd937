import { routeGroup } from '../route-contract';
import { me } from './session.schemas';

export const sessionRoutes = routeGroup('lambdas/api/session/get-me.handler.ts', {
  getMe: {
    method: 'GET',
    path: '/api/v1/me',
    access: ['platform-operator', 'school-admin', 'teacher', 'bursar', 'guardian'],
    summary:
      'The signed-in caller: user id, roles and school (from the verified token), and whether the school can be used.',
    response: { status: 200, body: me },
  },
});
