import { resourceRoutes } from '../resource-schema';
import { routeGroup } from '../route-contract';
import {
  guardian,
  guardianInvitation,
  guardianLink,
  guardianLinked,
  guardianLinkPath,
  guardianPath,
  guardians,
} from './guardian.schemas';

export const guardianResource = resourceRoutes({
  path: '/api/v1/guardians',
  spec: guardians,
  schemas: guardian,
  names: { plural: 'Guardians', singular: 'Guardian' },
  described: { plural: 'guardians', singular: 'a guardian' },
  idParameter: 'guardianId',
});

const link = '/api/v1/students/{studentId}/guardians/{guardianId}';

export const guardianRoutes = routeGroup('lambdas/api/guardians/guardians.handler.ts', {
  ...guardianResource.specs,
  linkGuardian: {
    method: 'PUT',
    path: link,
    access: ['school-admin'],
    summary: 'Link a guardian to a student.',
    params: guardianLinkPath,
    body: guardianLink,
    response: { status: 200, body: guardianLinked },
  },
  unlinkGuardian: {
    method: 'DELETE',
    path: link,
    access: ['school-admin'],
    summary: 'Unlink a guardian.',
    params: guardianLinkPath,
    response: { status: 204 },
  },
  inviteGuardian: {
    method: 'POST',
    path: '/api/v1/guardians/{guardianId}/invite',
    access: ['school-admin'],
    grants: ['manage-users', 'queue-notifications'],
    summary: 'Invite a guardian to the portal: an account tied to their record.',
    params: guardianPath,
    response: { status: 200, body: guardianInvitation },
  },
});
