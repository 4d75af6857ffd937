import { useState } from 'preact/hooks';
import type { ImportResult } from '../../api/types';
import { useApp } from '../../app-context';
import { t } from '../../i18n/i18n';
import { FieldFrame, FormError, SelectField } from '../../ui/forms';
import { Badge, Card, Page, Stat } from '../../ui/page';
import { Table } from '../../ui/table';
import { Notice } from '../../ui/feedback';

type Kind = 'students' | 'attendance' | 'scores';
type Stage = 'choose' | 'checking' | 'checked' | 'importing' | 'done';

/**
 * The CSV import wizard: choose a file, check it (a dry run: every row's outcome, the
 * refused ones with their column and reason), then import it. Importing the same file
 * again changes nothing.
 */
export default function CsvImport() {
  const { api, format, notify } = useApp();
  const [kind, setKind] = useState<Kind>('students');
  const [file, setFile] = useState<File | undefined>(undefined);
  const [stage, setStage] = useState<Stage>('choose');
  const [progress, setProgress] = useState(0);
  const [result, setResult] = useState<ImportResult | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);

  const run = async (mode: 'dry-run' | 'commit') => {
    if (!file) return;
    setError(undefined);
    setProgress(0);
    setStage(mode === 'dry-run' ? 'checking' : 'importing');
    try {
      // The upload is most of the wait on a slow line; the server's answer is the last tenth.
      const answer = await api.upload<ImportResult>(`/api/v1/imports/${kind}`, file, {
        query: { mode },
        onProgress: (sent) => setProgress(sent * 0.9),
      });
      setProgress(1);
      setResult(answer);
      setStage(mode === 'dry-run' ? 'checked' : 'done');
      if (mode === 'commit') notify(t('import.done', { count: answer.new + (answer.updated ?? 0) }));
    } catch (caught) {
      setError(caught);
      setStage(mode === 'dry-run' ? 'choose' : 'checked');
    }
  };
  const busy = stage === 'checking' || stage === 'importing';
  return (
    <Page title={t('import.title')}>
      <Card>
        <ol class="wizard-steps" aria-label={t('import.stepsLabel')}>
          {(['choose', 'checked', 'done'] as const).map((step, index) => (
            <li
              key={step}
              aria-current={stageIndex(stage) === index ? 'step' : undefined}
              class={stageIndex(stage) >= index ? 'reached' : ''}
            >
              {t(`import.step.${step}`)}
            </li>
          ))}
        </ol>
        <form class="form" onSubmit={(event) => (event.preventDefault(), void run('dry-run'))}>
          <FormError error={error} />
          <SelectField
            label={t('import.kind')}
            value={kind}
            onValue={(value) => {
              setKind(value as Kind);
              setStage('choose');
              setResult(undefined);
            }}
            options={(['students', 'attendance', 'scores'] as const).map((value) => ({
              value,
              label: t(`import.kind.${value}`),
            }))}
            hint={t(`import.columns.${kind}`)}
          />
          <FieldFrame label={t('import.file')} hint={t('import.fileHint')}>
            {({ id, describedBy }) => (
              <input
                id={id}
                type="file"
                accept=".csv,text/csv"
                aria-describedby={describedBy}
                onChange={(event) => {
                  setFile(event.currentTarget.files?.[0]);
                  setStage('choose');
                  setResult(undefined);
                }}
              />
            )}
          </FieldFrame>
          {busy ? (
            <div class="progress">
              <label for="import-progress">{stage === 'checking' ? t('import.checking') : t('import.importing')}</label>
              <progress id="import-progress" max={1} value={progress} />
            </div>
          ) : null}
          <div class="form-actions">
            <button type="submit" class="button" disabled={!file || busy}>
              {t('import.check')}
            </button>
            {stage === 'checked' && result ? (
              <button
                type="button"
                class="button button-secondary"
                disabled={busy || result.invalid > 0}
                onClick={() => void run('commit')}
              >
                {t('import.commit', { count: result.new + (result.updated ?? 0) })}
              </button>
            ) : null}
          </div>
        </form>
      </Card>
      {result ? (
        <Card title={result.mode === 'commit' ? t('import.resultTitle') : t('import.reportTitle')}>
          <div class="stats">
            <Stat label={t('import.rows')} value={format.number(result.rows)} />
            <Stat label={t('import.new')} value={format.number(result.new + (result.updated ?? 0))} tone="good" />
            <Stat label={t('import.unchanged')} value={format.number(result.unchanged)} />
            <Stat
              label={t('import.invalid')}
              value={format.number(result.invalid)}
              tone={result.invalid ? 'bad' : 'good'}
            />
          </div>
          {result.mode === 'dry-run' && result.invalid > 0 ? <Notice tone="bad">{t('import.fixFirst')}</Notice> : null}
          {result.mode === 'commit' ? (
            <Notice tone="good">{t('import.created', { count: result.created })}</Notice>
          ) : null}
          {result.report.length ? (
            <Table
              caption={t('import.reportTitle')}
              rows={result.report.slice(0, 500)}
              rowKey={(row) => String(row.row)}
              columns={[
                { header: t('import.row'), cell: (row) => row.row, numeric: true },
                { header: t('student.admissionNo'), cell: (row) => row.admissionNo ?? '—' },
                {
                  header: t('import.outcome'),
                  cell: (row) => (
                    <Badge tone={row.outcome === 'invalid' ? 'bad' : 'neutral'}>
                      {t(`import.outcome.${row.outcome}`)}
                    </Badge>
                  ),
                },
                {
                  header: t('import.problems'),
                  cell: (row) => row.errors.map((problem) => `${problem.column}: ${problem.message}`).join('; '),
                },
              ]}
            />
          ) : null}
        </Card>
      ) : null}
    </Page>
  );
}

function stageIndex(stage: Stage): number {
  return stage === 'done' ? 2 : stage === 'checked' || stage === 'importing' ? 1 : 0;
}
