import { schoolSchema } from './0001-school-schema';
import { exportRequests } from './0002-exports';
import { feeCategories } from './0003-fee-categories';
import { analytics } from './0004-analytics';
import { auditShape } from './0005-audit-shape';
import { modelTrackRecord } from './0006-model-track-record';
import { notifications } from './0007-notifications';
import { messageRetention } from './0008-message-retention';
import { scheduledNotices } from './0009-scheduled-notices';
import { pushSubscriptions } from './0010-push-subscriptions';
import { invitationAcceptances } from './0011-invitation-acceptances';
import { sendAllowance } from './0012-send-allowance';
import { consents } from './0013-consents';
import { accessLog } from './0014-access-log';
import { privacyRequests } from './0015-privacy-requests';
import { retentionPolicy } from './0016-retention-policy';
import { erasure } from './0017-erasure';
import { integrations } from './0018-integrations';
import { changeTimes } from './0019-change-times';
import type { Migration } from './migration';

export type { Migration } from './migration';
export { restoringSetting } from './0019-change-times';

/** Every migration of a school database, in order. */
export const schoolMigrations: readonly Migration[] = [
  schoolSchema,
  exportRequests,
  feeCategories,
  analytics,
  auditShape,
  modelTrackRecord,
  notifications,
  messageRetention,
  scheduledNotices,
  pushSubscriptions,
  invitationAcceptances,
  sendAllowance,
  consents,
  accessLog,
  privacyRequests,
  retentionPolicy,
  erasure,
  integrations,
  changeTimes,
];

/** The version a school database has once every migration has run. */
export const latestSchemaVersion = schoolMigrations.at(-1)!.version;
