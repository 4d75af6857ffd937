import { useState } from 'preact/hooks';
import type { Invitation, Page as ApiPage, StaffMember } from '../../api/types';
import { useApiGet, useApp } from '../../app-context';
import { t } from '../../i18n/i18n';
import { EmptyState, ErrorState, Loading } from '../../ui/feedback';
import { ConfirmButton, FormError, SelectField, SubmitButton, TextField, useSubmission } from '../../ui/forms';
import { Badge, Card, Page } from '../../ui/page';
import { Table } from '../../ui/table';

const roles: StaffMember['role'][] = ['school-admin', 'teacher', 'bursar'];

/** Staff: invite someone with a role, change a role, deactivate an account. */
export default function Staff() {
  const [resource, reload] = useApiGet<ApiPage<StaffMember>>('/api/v1/staff', { limit: 200 });
  const staff = resource.data?.items;
  return (
    <Page title={t('staff.title')} ready={Boolean(staff)}>
      <Invite onInvited={reload} />
      {resource.status === 'error' ? <ErrorState error={resource.error} onRetry={reload} /> : null}
      {!staff ? (
        <Loading />
      ) : staff.length === 0 ? (
        <EmptyState title={t('staff.none')} />
      ) : (
        <Table
          caption={t('staff.title')}
          rows={staff}
          rowKey={(member) => member.id}
          columns={[
            { header: t('staff.name'), cell: (member) => member.name },
            { header: t('staff.email'), cell: (member) => member.email, wide: true },
            { header: t('staff.role'), cell: (member) => <RoleControl member={member} onChanged={reload} /> },
            {
              header: t('staff.status'),
              cell: (member) => (
                <Badge tone={member.status === 'active' ? 'good' : member.status === 'invited' ? 'info' : 'neutral'}>
                  {t(`staff.status.${member.status}`)}
                </Badge>
              ),
            },
            { header: t('staff.actions'), cell: (member) => <Deactivate member={member} onChanged={reload} /> },
          ]}
        />
      )}
    </Page>
  );
}

function RoleControl({ member, onChanged }: { member: StaffMember; onChanged: () => void }) {
  const { api, notify } = useApp();
  const [busy, setBusy] = useState(false);
  if (member.status === 'deactivated') return <>{t(`staff.role.${member.role}`)}</>;
  const changeRole = async (role: string) => {
    setBusy(true);
    try {
      await api.put(`/api/v1/staff/${member.id}/role`, { role });
      notify(t('staff.roleChanged', { name: member.name, role: t(`staff.role.${role as StaffMember['role']}`) }));
    } catch {
      notify(t('staff.roleFailed', { name: member.name }));
    }
    setBusy(false);
    onChanged();
  };
  return (
    <select
      aria-label={t('staff.roleOf', { name: member.name })}
      value={member.role}
      disabled={busy}
      onChange={(event) => void changeRole(event.currentTarget.value)}
    >
      {roles.map((role) => (
        <option key={role} value={role}>
          {t(`staff.role.${role}`)}
        </option>
      ))}
    </select>
  );
}

function Deactivate({ member, onChanged }: { member: StaffMember; onChanged: () => void }) {
  const { api, notify } = useApp();
  const action = useSubmission(
    () => api.post(`/api/v1/staff/${member.id}/deactivate`),
    () => {
      notify(t('staff.deactivated', { name: member.name }));
      onChanged();
    },
  );
  if (member.status === 'deactivated') return null;
  return (
    <ConfirmButton
      action={action}
      label={t('staff.deactivateLabel', { name: member.name })}
      confirm={t('staff.deactivateConfirm', { name: member.name })}
    >
      {t('staff.deactivate')}
    </ConfirmButton>
  );
}

function Invite({ onInvited }: { onInvited: () => void }) {
  const { api, notify } = useApp();
  const [draft, setDraft] = useState<Invitation>({ name: '', email: '', role: 'teacher' });
  const form = useSubmission(
    () => api.post<StaffMember>('/api/v1/staff', draft),
    (member) => {
      notify(t('staff.invited', { name: member.name, email: member.email }));
      setDraft({ name: '', email: '', role: draft.role });
      onInvited();
    },
  );
  return (
    <Card title={t('staff.inviteTitle')}>
      <form class="form" onSubmit={form.run} noValidate>
        <FormError error={form.error} />
        <div class="form-row">
          <TextField
            label={t('staff.name')}
            value={draft.name}
            onValue={(name) => setDraft({ ...draft, name })}
            error={form.fieldError('name')}
            required
            autoComplete="off"
          />
          <TextField
            label={t('staff.email')}
            type="email"
            value={draft.email}
            onValue={(email) => setDraft({ ...draft, email })}
            error={form.fieldError('email')}
            required
            autoComplete="off"
          />
        </div>
        <SelectField
          label={t('staff.role')}
          value={draft.role}
          onValue={(role) => setDraft({ ...draft, role: role as Invitation['role'] })}
          options={roles.map((role) => ({ value: role, label: t(`staff.role.${role}`) }))}
          error={form.fieldError('role')}
        />
        <div class="form-actions">
          <SubmitButton busy={form.busy}>{t('staff.invite')}</SubmitButton>
        </div>
      </form>
    </Card>
  );
}
