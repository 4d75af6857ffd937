import type { NotificationSettingsView } from '../../lambdas/api/api-types';
import type { ApiResponse } from './school-fixture';

/** Equal start and end: no quiet hours, so what a test or bench expects at once is sent at any time of day. */
export const noQuietHours = { quietHoursStart: '00:00', quietHoursEnd: '00:00' } as const;

type AdminCall = <T>(method: string, path: string, body?: unknown) => Promise<ApiResponse<T>>;

/**
 * Changes some of a school's notification rules through the API, as its admin does on the
 * settings screen: the current rules read, the change laid over them, the whole written back.
 */
export async function changeNotificationRules(
  call: AdminCall,
  change: Partial<NotificationSettingsView>,
): Promise<NotificationSettingsView> {
  const { smsSentThisMonth: _counted, ...current } = (
    await call<NotificationSettingsView>('GET', '/api/v1/notifications/settings')
  ).body;
  const written = await call<NotificationSettingsView>('PUT', '/api/v1/notifications/settings', {
    ...current,
    ...change,
  });
  if (written.status !== 200) throw new Error(`The notification rules were refused: ${JSON.stringify(written.body)}`);
  return written.body;
}
