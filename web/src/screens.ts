import type { FunctionComponent } from 'preact';
import type { Role } from './app-context';
import type { MessageKey } from './i18n/i18n';
import { matchPath } from './router';

export interface ScreenProps {
  readonly params: Record<string, string>;
}

type ScreenModule = { default: FunctionComponent<ScreenProps> };

export interface Screen {
  /** App path with `:name` parameters. */
  readonly path: string;
  readonly roles: readonly Role[];
  /** Each screen is its own chunk, fetched the first time it opens. */
  readonly load: () => Promise<ScreenModule>;
  /** Listed in the navigation under this label. */
  readonly nav?: MessageKey;
  /** GETs the screen makes as it opens (no parameters), started with the app's own when it opens first. */
  readonly prefetch?: readonly string[];
}

const admin: Role[] = ['school-admin'];
const staff: Role[] = ['school-admin', 'teacher'];
const schoolStaff: Role[] = ['school-admin', 'teacher', 'bursar'];
const operator: Role[] = ['platform-operator'];
const schoolPeople: Role[] = ['school-admin', 'teacher', 'bursar', 'guardian'];

/** Every screen, who may open it, and where its code is. The navigation is built from the same list. */
export const screens: readonly Screen[] = [
  {
    path: '/dashboard',
    roles: admin,
    nav: 'nav.dashboard',
    load: () => import('./screens/dashboard'),
    prefetch: ['/api/v1/dashboard'],
  },
  {
    path: '/my-classes',
    roles: ['teacher'],
    nav: 'nav.myClasses',
    load: () => import('./screens/teaching/my-classes'),
  },
  { path: '/students', roles: schoolStaff, nav: 'nav.students', load: () => import('./screens/students/student-list') },
  { path: '/students/new', roles: admin, load: () => import('./screens/students/student-form') },
  { path: '/students/:studentId', roles: schoolStaff, load: () => import('./screens/students/student-profile') },
  { path: '/students/:studentId/edit', roles: admin, load: () => import('./screens/students/student-form') },
  { path: '/analytics/at-risk', roles: staff, nav: 'nav.atRisk', load: () => import('./screens/analytics/at-risk') },
  { path: '/classes', roles: admin, nav: 'nav.classes', load: () => import('./screens/admin/classes') },
  { path: '/classes/:classId/attendance', roles: staff, load: () => import('./screens/teaching/attendance-marking') },
  { path: '/classes/:classId/scores', roles: staff, load: () => import('./screens/teaching/score-entry') },
  { path: '/classes/:classId/analytics', roles: staff, load: () => import('./screens/teaching/class-analytics') },
  {
    path: '/fees',
    roles: ['bursar', 'school-admin'],
    nav: 'nav.fees',
    load: () => import('./screens/fees/fee-structures'),
  },
  {
    path: '/fees/payments/new',
    roles: ['bursar'],
    nav: 'nav.payment',
    load: () => import('./screens/fees/record-payment'),
  },
  {
    path: '/fees/balances',
    roles: ['bursar', 'school-admin'],
    nav: 'nav.balances',
    load: () => import('./screens/fees/balances'),
  },
  {
    path: '/fees/receipts/:paymentId',
    roles: ['bursar', 'school-admin'],
    load: () => import('./screens/fees/receipt'),
  },
  { path: '/children', roles: ['guardian'], nav: 'nav.children', load: () => import('./screens/portal/my-children') },
  { path: '/children/:studentId', roles: ['guardian'], load: () => import('./screens/portal/child-profile') },
  {
    path: '/children/:studentId/receipts/:paymentId',
    roles: ['guardian'],
    load: () => import('./screens/fees/receipt'),
  },
  { path: '/reports', roles: staff, nav: 'nav.reports', load: () => import('./screens/reports/reports') },
  { path: '/staff', roles: admin, nav: 'nav.staff', load: () => import('./screens/admin/staff') },
  {
    path: '/privacy/consents',
    roles: admin,
    nav: 'nav.consents',
    load: () => import('./screens/privacy/consent-list'),
  },
  {
    path: '/privacy/requests',
    roles: admin,
    nav: 'nav.privacyRequests',
    load: () => import('./screens/privacy/privacy-requests'),
  },
  {
    path: '/privacy/retention',
    roles: admin,
    nav: 'nav.retention',
    load: () => import('./screens/privacy/retention-policy'),
  },
  { path: '/import', roles: admin, nav: 'nav.import', load: () => import('./screens/admin/csv-import') },
  { path: '/exports', roles: admin, nav: 'nav.exports', load: () => import('./screens/admin/exports') },
  { path: '/audit', roles: admin, nav: 'nav.audit', load: () => import('./screens/admin/audit-log') },
  {
    path: '/integrations',
    roles: admin,
    nav: 'nav.integrations',
    load: () => import('./screens/integrations/integrations'),
  },
  {
    path: '/integrations/:integrationId',
    roles: admin,
    load: () => import('./screens/integrations/integration-detail'),
  },
  { path: '/settings', roles: admin, nav: 'nav.settings', load: () => import('./screens/admin/settings') },
  { path: '/inbox', roles: schoolPeople, load: () => import('./screens/notifications/inbox') },
  {
    path: '/notifications/preferences',
    roles: schoolPeople,
    load: () => import('./screens/notifications/preferences'),
  },
  {
    path: '/notifications/announcements',
    roles: staff,
    nav: 'nav.announcements',
    load: () => import('./screens/notifications/announcements'),
  },
  {
    path: '/notifications/requests/:requestId',
    roles: staff,
    load: () => import('./screens/notifications/delivery-report'),
  },
  {
    path: '/notifications/settings',
    roles: admin,
    nav: 'nav.notificationSettings',
    load: () => import('./screens/notifications/notification-settings'),
  },
  { path: '/platform/schools', roles: operator, nav: 'nav.schools', load: () => import('./screens/platform/schools') },
  {
    path: '/platform/onboarding',
    roles: operator,
    nav: 'nav.onboarding',
    load: () => import('./screens/platform/onboarding-runs'),
  },
  { path: '/platform/onboarding/:runName', roles: operator, load: () => import('./screens/platform/onboarding-run') },
  {
    path: '/platform/privacy',
    roles: operator,
    nav: 'nav.privacyReport',
    load: () => import('./screens/platform/privacy-report'),
  },
];

export interface MatchedScreen {
  readonly screen: Screen;
  readonly params: Record<string, string>;
}

/** The screen at an app path, and its parameters. */
export function screenAt(pathname: string): MatchedScreen | undefined {
  for (const screen of screens) {
    const params = matchPath(screen.path, pathname);
    if (params) return { screen, params };
  }
  return undefined;
}

/** Where each role starts. */
export function homePath(roles: readonly Role[]): string {
  if (roles.includes('school-admin')) return '/dashboard';
  if (roles.includes('teacher')) return '/my-classes';
  if (roles.includes('bursar')) return '/fees';
  if (roles.includes('guardian')) return '/children';
  if (roles.includes('platform-operator')) return '/platform/schools';
  return '/';
}
