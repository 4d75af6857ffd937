import { pageOf } from '../resource-schema';
import { routeGroup } from '../route-contract';
import { invitation, roleChange, staffListQuery, staffMember, staffPath } from './staff.schemas';

const admin = ['school-admin'] as const;

export const staffRoutes = routeGroup('lambdas/api/staff/staff.handler.ts', {
  listStaff: {
    method: 'GET',
    path: '/api/v1/staff',
    access: admin,
    summary: "The school's staff, paged.",
    query: staffListQuery,
    response: { status: 200, body: pageOf(staffMember) },
  },
  inviteStaff: {
    method: 'POST',
    path: '/api/v1/staff',
    access: admin,
    grants: ['manage-users', 'queue-notifications'],
    summary:
      "Invite a member of staff with a role: the school's invitation e-mail (tracked like its other messages) has a link where they choose their password.",
    body: invitation,
    response: { status: 201, body: staffMember },
  },
  changeStaffRole: {
    method: 'PUT',
    path: '/api/v1/staff/{staffId}/role',
    access: admin,
    grants: ['manage-users'],
    summary: "Change a member of staff's role.",
    params: staffPath,
    body: roleChange,
    response: { status: 200, body: staffMember },
  },
  deactivateStaff: {
    method: 'POST',
    path: '/api/v1/staff/{staffId}/deactivate',
    access: admin,
    grants: ['manage-users'],
    summary: 'Deactivate a member of staff: no more sign-in, records kept.',
    params: staffPath,
    response: { status: 200, body: staffMember },
  },
});
