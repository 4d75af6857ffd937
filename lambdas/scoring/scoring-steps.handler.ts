import type { ScoringTrigger } from '../shared/scoring-runs';
import { stepHandler } from '../shared/step-handler';
import type { ChunkDescriptor } from './chunk-features';
import type { SchoolScoringSettings } from './chunk-scoring';
import { scoringPorts } from './scoring-ports';
import { failSchoolRun, finishRun, finishSchoolRun, planSchoolRun, scoreRunChunk, startRun } from './scoring-run';

/** The scoring run's steps: start, plan a school, score a chunk, finish a school (or fail it), finish. */
export const handler = stepHandler({
  'start-run': (event) => startRun(event as unknown as { runId: string; input: unknown }, scoringPorts()),
  'plan-school': (event) =>
    planSchoolRun(
      event as unknown as { runId: string; trigger: ScoringTrigger; chunkSize?: number; schoolId: string },
      scoringPorts(),
    ),
  'score-chunk': (event) =>
    scoreRunChunk(
      event as unknown as {
        runId: string;
        schoolId: string;
        settings: SchoolScoringSettings;
        chunk: ChunkDescriptor;
      },
      scoringPorts(),
    ),
  'finish-school': (event) => finishSchoolRun(event as unknown as { runId: string; schoolId: string }, scoringPorts()),
  'school-failed': (event) =>
    failSchoolRun(
      event as unknown as { runId: string; schoolId: string; error?: { Error?: string; Cause?: string } },
      scoringPorts(),
    ),
  'finish-run': (event) => finishRun(event as unknown as { runId: string }, scoringPorts()),
});
