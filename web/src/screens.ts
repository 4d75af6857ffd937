import type { FunctionComponent } from 'preact';
import type { Role } from './app-context';
import type { MessageKey } from './i18n/i18n';

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
}

const admin: Role[] = ['school-admin'];
const staff: Role[] = ['school-admin', 'teacher'];

/** Every screen, who may open it, and where its code is. The navigation is built from the same list. */
export const screens: readonly Screen[] = [
  { path: '/dashboard', roles: admin, nav: 'nav.dashboard', load: () => import('./screens/dashboard') },
  {
    path: '/students',
    roles: ['school-admin', 'teacher', 'bursar'],
    nav: 'nav.students',
    load: () => import('./screens/students/student-list'),
  },
  { path: '/students/new', roles: admin, load: () => import('./screens/students/student-form') },
  {
    path: '/students/:studentId',
    roles: ['school-admin', 'teacher', 'bursar'],
    load: () => import('./screens/students/student-profile'),
  },
  { path: '/students/:studentId/edit', roles: admin, load: () => import('./screens/students/student-form') },
  {
    path: '/my-classes',
    roles: ['teacher'],
    nav: 'nav.myClasses',
    load: () => import('./screens/teaching/my-classes'),
  },
  { path: '/classes/:classId/attendance', roles: staff, load: () => import('./screens/teaching/attendance-marking') },
];

export interface MatchedScreen {
  readonly screen: Screen;
  readonly params: Record<string, string>;
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
