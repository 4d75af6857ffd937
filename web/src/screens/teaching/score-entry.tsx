import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError } from '../../api/client';
import { useLookup, useTerms } from '../../api/lookups';
import type { Assessment, AssessmentScores, MyClasses, Page as ApiPage, ScoreEntry } from '../../api/types';
import { hasRole, useApiGet, useApp } from '../../app-context';
import { t } from '../../i18n/i18n';
import { setQuery, useLocation } from '../../router';
import type { ScreenProps } from '../../screens';
import { EmptyState, ErrorState, Loading } from '../../ui/feedback';
import { FormError, SelectField, SubmitButton, TextField, useSubmission } from '../../ui/forms';
import { Card, Page } from '../../ui/page';

/** Scores for one assessment of a class: a grid to type into, Enter or the arrows moving between students. */
export default function ScoreEntryScreen({ params }: ScreenProps) {
  const { me } = useApp();
  const classId = params.classId!;
  const { search } = useLocation();
  const [mine] = useApiGet<MyClasses>(hasRole(me, 'teacher') ? '/api/v1/me/classes' : undefined);
  const allSubjects = useLookup('/api/v1/subjects');
  const { terms, current } = useTerms();
  const myClass = mine.data?.items.find((item) => item.id === classId);
  const subjects = hasRole(me, 'school-admin') ? allSubjects : myClass?.subjects;
  const subjectId = search.get('subjectId') ?? subjects?.[0]?.id ?? '';
  const termId = search.get('termId') ?? current?.id ?? '';
  const assessmentId = search.get('assessmentId') ?? '';
  const [assessments, reloadAssessments] = useApiGet<ApiPage<Assessment>>(
    subjectId && termId ? '/api/v1/assessments' : undefined,
    { classId, subjectId, termId, limit: 200 },
  );
  return (
    <Page
      title={myClass ? t('scores.title', { name: myClass.name }) : t('scores.titlePlain')}
      ready={Boolean(subjects && terms)}
    >
      <div class="filters">
        <SelectField
          label={t('grades.subject')}
          value={subjectId}
          onValue={(value) => setQuery({ subjectId: value, assessmentId: undefined })}
          options={(subjects ?? []).map((subject) => ({ value: subject.id, label: subject.name }))}
        />
        <SelectField
          label={t('fees.term')}
          value={termId}
          onValue={(value) => setQuery({ termId: value, assessmentId: undefined })}
          options={(terms ?? []).map((term) => ({ value: term.id, label: term.name }))}
        />
        <SelectField
          label={t('scores.assessment')}
          value={assessmentId}
          onValue={(value) => setQuery({ assessmentId: value })}
          placeholder={t('common.choose')}
          options={(assessments.data?.items ?? []).map((item) => ({ value: item.id, label: item.name }))}
        />
      </div>
      {assessmentId ? (
        <ScoreGrid key={assessmentId} assessmentId={assessmentId} />
      ) : subjectId && termId ? (
        <NewAssessment
          classId={classId}
          subjectId={subjectId}
          termId={termId}
          onCreated={(created) => {
            reloadAssessments();
            setQuery({ assessmentId: created.id });
          }}
        />
      ) : subjects && subjects.length === 0 ? (
        <EmptyState title={t('scores.noSubjects')} />
      ) : null}
    </Page>
  );
}

function ScoreGrid({ assessmentId }: { assessmentId: string }) {
  const { api, format, notify } = useApp();
  const [resource, reload] = useApiGet<AssessmentScores>(
    `/api/v1/assessments/${encodeURIComponent(assessmentId)}/scores`,
  );
  const data = resource.data;
  const initial = useMemo(
    () =>
      new Map(
        (data?.students ?? []).map((student) => [
          student.studentId,
          student.score === null ? '' : String(student.score),
        ]),
      ),
    [data],
  );
  const [values, setValues] = useState(initial);
  useEffect(() => setValues(initial), [initial]);
  const students = data?.students ?? [];
  const parsed = (text: string) => Number(text.replace(',', '.'));
  const invalidAt = students.findIndex((student) => {
    const text = values.get(student.studentId)?.trim() ?? '';
    return (
      text !== '' &&
      (!Number.isFinite(parsed(text)) || parsed(text) < 0 || parsed(text) > (data?.assessment.maxScore ?? 0))
    );
  });
  const form = useSubmission(
    () => {
      const scores: ScoreEntry['scores'] = students
        .filter((student) => (values.get(student.studentId)?.trim() ?? '') !== '')
        .map((student) => ({ studentId: student.studentId, score: parsed(values.get(student.studentId)!.trim()) }));
      if (!scores.length) throw new ApiError(400, 'NOTHING', t('scores.nothing'));
      return api.put<{ received: number; changed: number }>(
        `/api/v1/assessments/${encodeURIComponent(assessmentId)}/scores`,
        {
          scores,
        },
      );
    },
    (result) => {
      notify(t('scores.saved', { count: result.received, changed: result.changed }));
      reload();
    },
  );
  const move = (event: KeyboardEvent, index: number) => {
    const step = event.key === 'ArrowDown' || event.key === 'Enter' ? 1 : event.key === 'ArrowUp' ? -1 : 0;
    if (!step) return;
    event.preventDefault();
    document.getElementById(`score-${index + step}`)?.focus();
  };
  if (resource.status === 'error') return <ErrorState error={resource.error} onRetry={reload} />;
  if (!data) return <Loading />;
  return (
    <Card
      title={t('scores.gridTitle', { name: data.assessment.name, max: format.number(data.assessment.maxScore, 2) })}
    >
      <form class="form score-grid" onSubmit={form.run} noValidate>
        <FormError error={form.error} />
        <p class="muted small">{t('scores.keys')}</p>
        <table>
          <caption class="visually-hidden">{data.assessment.name}</caption>
          <thead>
            <tr>
              <th scope="col">{t('student.name')}</th>
              <th scope="col" class="num">
                {t('scores.score', { max: format.number(data.assessment.maxScore, 2) })}
              </th>
            </tr>
          </thead>
          <tbody>
            {students.map((student, index) => {
              const text = values.get(student.studentId) ?? '';
              const error =
                form.fieldError(`body.scores.${index}.score`) ??
                (index === invalidAt
                  ? t('scores.outOfRange', { max: format.number(data.assessment.maxScore, 2) })
                  : undefined);
              return (
                <tr key={student.studentId}>
                  <th scope="row">
                    <label for={`score-${index}`}>
                      {student.familyName}, {student.givenName}
                    </label>
                  </th>
                  <td class="num">
                    <input
                      id={`score-${index}`}
                      class="score-input"
                      inputMode="decimal"
                      autoComplete="off"
                      value={text}
                      aria-invalid={error ? true : undefined}
                      aria-describedby={error ? `score-${index}-error` : undefined}
                      onInput={(event) => setValues(new Map(values).set(student.studentId, event.currentTarget.value))}
                      onKeyDown={(event) => move(event, index)}
                    />
                    {error ? (
                      <p class="field-error" id={`score-${index}-error`}>
                        {error}
                      </p>
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        <div class="sticky-actions">
          <SubmitButton busy={form.busy}>{t('scores.save')}</SubmitButton>
        </div>
      </form>
    </Card>
  );
}

function NewAssessment(props: {
  classId: string;
  subjectId: string;
  termId: string;
  onCreated: (created: Assessment) => void;
}) {
  const { api, notify } = useApp();
  const [name, setName] = useState('');
  const [maxScore, setMaxScore] = useState('20');
  const [weight, setWeight] = useState('1');
  const [heldOn, setHeldOn] = useState('');
  const form = useSubmission(
    () =>
      api.post<Assessment>('/api/v1/assessments', {
        classId: props.classId,
        subjectId: props.subjectId,
        termId: props.termId,
        name,
        maxScore: Number(maxScore.replace(',', '.')),
        weight: Number(weight.replace(',', '.')),
        ...(heldOn ? { heldOn } : {}),
      }),
    (created) => {
      notify(t('scores.created', { name: created.name }));
      props.onCreated(created);
    },
  );
  return (
    <Card title={t('scores.newTitle')}>
      <form class="form" onSubmit={form.run} noValidate>
        <FormError error={form.error} />
        <TextField label={t('scores.name')} value={name} onValue={setName} error={form.fieldError('name')} required />
        <div class="form-row">
          <TextField
            label={t('scores.maxScore')}
            inputMode="decimal"
            value={maxScore}
            onValue={setMaxScore}
            error={form.fieldError('maxScore')}
            required
          />
          <TextField
            label={t('scores.weight')}
            inputMode="decimal"
            value={weight}
            onValue={setWeight}
            error={form.fieldError('weight')}
            required
          />
        </div>
        <TextField
          label={t('scores.heldOn')}
          type="date"
          value={heldOn}
          onValue={setHeldOn}
          error={form.fieldError('heldOn')}
        />
        <div class="form-actions">
          <SubmitButton busy={form.busy}>{t('scores.create')}</SubmitButton>
        </div>
      </form>
    </Card>
  );
}
