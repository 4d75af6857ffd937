import { describe, expect, it } from 'vitest';
import { careerSuggestions } from '../../lambdas/scoring/career-clusters';
import { careerClusterMapping, defaultCareerClusters } from '../../lambdas/shared/analytics-settings';

const names = {
  MAT: 'Mathematics',
  SCI: 'Sciences',
  POR: 'Portuguese',
  ENG: 'English',
  ART: 'Arts',
  PE: 'Physical Education',
};

describe('career-cluster suggestions', () => {
  it('suggests the clusters of the subjects a student is strongest in, with a one-line reason', () => {
    const suggestions = careerSuggestions(
      [
        { subject: 'MAT', school: 91 },
        { subject: 'SCI', school: 84 },
        { subject: 'POR', school: 40 },
        { subject: 'ENG', school: 55 },
        { subject: 'ART', school: 62 },
      ],
      names,
    );
    expect(suggestions.map((s) => s.clusterId)).toEqual(['stem', 'health']);
    expect(suggestions[0]).toMatchObject({
      strength: 87.5,
      reason: 'Strong in Mathematics (91st percentile) and Sciences (84th percentile) against the school.',
    });
  });

  it('suggests nothing where the student is not above the bar, and follows a school’s own mapping', () => {
    expect(careerSuggestions([{ subject: 'MAT', school: 30 }], names)).toEqual([]);
    const mapping = careerClusterMapping.parse([{ id: 'music', name: 'Music', subjects: ['MUS'] }]);
    expect(careerSuggestions([{ subject: 'MUS', school: 97 }], { MUS: 'Music' }, mapping)).toEqual([
      {
        clusterId: 'music',
        name: 'Music',
        strength: 97,
        reason: 'Strong in Music (97th percentile) against the school.',
      },
    ]);
  });

  it('checks a mapping a school edits', () => {
    expect(careerClusterMapping.safeParse(defaultCareerClusters).success).toBe(true);
    const duplicate = careerClusterMapping.safeParse([
      { id: 'a', name: 'A', subjects: ['X'] },
      { id: 'a', name: 'B', subjects: ['Y'] },
    ]);
    expect(duplicate.success).toBe(false);
    expect(careerClusterMapping.safeParse([{ id: 'a', name: 'A', subjects: [] }]).success).toBe(false);
  });
});
