import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { projectRoot } from '../../lib/project';

/** What the demo takes from one UCI student: only what a school records about learning and attendance. */
export interface UciStudent {
  readonly age: number;
  readonly failures: number;
  /** Absences over the school year. */
  readonly absences: number;
  /** Term grades, 0–20. */
  readonly g1: number;
  readonly g2: number;
  readonly g3: number;
}

export const uciStudentsFile = join(projectRoot, 'data', 'uci-student-performance', 'student-por.csv');

export function readUciStudents(file: string = uciStudentsFile): UciStudent[] {
  const rows = parse<Record<string, string>>(readFileSync(file, 'utf8'), {
    delimiter: ';',
    columns: true,
    skip_empty_lines: true,
  });
  return rows.map((row) => ({
    age: Number(row.age),
    failures: Number(row.failures),
    absences: Number(row.absences),
    g1: Number(row.G1),
    g2: Number(row.G2),
    g3: Number(row.G3),
  }));
}

/** A small, fast, seeded generator (mulberry32): the same seed gives the same school. */
export function seededRandom(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!,
    chance: (p: number) => next() < p,
    /** Standard normal (Box–Muller). */
    normal: () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next()),
  };
}

const givenNames = {
  female: [
    'Ana',
    'Beatriz',
    'Carolina',
    'Diana',
    'Inês',
    'Joana',
    'Leonor',
    'Mariana',
    'Matilde',
    'Sofia',
    'Rita',
    'Marta',
    'Clara',
    'Lara',
    'Eva',
    'Alice',
    'Francisca',
    'Helena',
    'Luísa',
    'Teresa',
  ],
  male: [
    'Afonso',
    'Bruno',
    'Diogo',
    'Duarte',
    'Francisco',
    'Gonçalo',
    'Guilherme',
    'João',
    'Lucas',
    'Martim',
    'Miguel',
    'Pedro',
    'Rafael',
    'Rodrigo',
    'Santiago',
    'Tiago',
    'Tomás',
    'Vasco',
    'André',
    'Rui',
  ],
};
const familyNames = [
  'Almeida',
  'Alves',
  'Antunes',
  'Barbosa',
  'Cardoso',
  'Carvalho',
  'Costa',
  'Cruz',
  'Dias',
  'Fernandes',
  'Ferreira',
  'Gomes',
  'Gonçalves',
  'Lopes',
  'Marques',
  'Martins',
  'Mendes',
  'Monteiro',
  'Moreira',
  'Nunes',
  'Oliveira',
  'Pereira',
  'Pinto',
  'Ramos',
  'Ribeiro',
  'Rocha',
  'Rodrigues',
  'Santos',
  'Silva',
  'Sousa',
  'Teixeira',
  'Vieira',
];

export const demoSubjects = [
  { code: 'POR', name: 'Portuguese', offset: 0 },
  { code: 'MAT', name: 'Mathematics', offset: -1 },
  { code: 'ENG', name: 'English', offset: 0.5 },
  { code: 'SCI', name: 'Sciences', offset: -0.5 },
  { code: 'HIS', name: 'History', offset: 0.3 },
  { code: 'GEO', name: 'Geography', offset: 0.2 },
  { code: 'PE', name: 'Physical Education', offset: 1.5 },
  { code: 'ART', name: 'Arts', offset: 1 },
] as const;

export interface DemoTerm {
  readonly name: string;
  readonly startsOn: string;
  readonly endsOn: string;
}

export interface DemoSchoolData {
  readonly gradeLevels: { name: string; ordinal: number }[];
  readonly classes: { name: string; grade: number; homeroom: string }[];
  /** Staff besides the school admin: their e-mail identifies them. */
  readonly staff: { email: string; name: string; role: 'teacher' | 'bursar' }[];
  readonly subjects: { code: string; name: string }[];
  readonly assignments: { teacher: string; className: string; subject: string }[];
  readonly students: {
    admissionNo: string;
    givenName: string;
    familyName: string;
    dateOfBirth: string;
    className: string;
    profile: UciStudent;
  }[];
  readonly guardians: {
    key: string;
    name: string;
    email: string;
    phone: string;
    children: { admissionNo: string; relationship: string }[];
  }[];
  /** Per student, the term's days they were not simply present. */
  readonly attendance: { admissionNo: string; absent: string[]; excused: string[]; late: string[] }[];
  readonly schoolDays: string[];
  readonly assessments: {
    className: string;
    subject: string;
    name: string;
    maxScore: number;
    weight: number;
    heldOn: string;
  }[];
  readonly scores: { admissionNo: string; subject: string; assessment: string; score: number }[];
  readonly feeStructures: { name: string; category: string; grade: number; amountMinor: number; dueOn: string }[];
  readonly payments: {
    clientKey: string;
    admissionNo: string;
    feeName: string;
    amountMinor: number;
    method: string;
    paidOn: string;
  }[];
}

const addDays = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** Monday to Friday between two dates, inclusive. */
export function schoolDaysOf(term: DemoTerm): string[] {
  const days: string[] = [];
  for (let day = term.startsOn; day <= term.endsOn; day = addDays(day, 1)) {
    const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
    if (weekday !== 0 && weekday !== 6) days.push(day);
  }
  return days;
}

const slug = (text: string) =>
  text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z]+/g, '.');

/**
 * Demo High School, generated from a seed: grades 7–12 with four classes of 26 (624
 * students), 28 teachers and a bursar, guardians (siblings share theirs), a full first
 * term of daily attendance, two assessments per class and subject, tuition and book fees
 * with payments. Each student's grades, absences and past failures are those of a UCI
 * student drawn at random, so the school's distributions follow that data.
 */
export function generateDemoSchool(uci: readonly UciStudent[], term: DemoTerm, seed = 2008): DemoSchoolData {
  const random = seededRandom(seed);
  const grades = [7, 8, 9, 10, 11, 12];
  const sections = ['A', 'B', 'C', 'D'];
  const perClass = 26;
  const personName = () => {
    const given = random.pick(random.chance(0.5) ? givenNames.female : givenNames.male);
    return { given, family: `${random.pick(familyNames)} ${random.pick(familyNames)}` };
  };

  const usedEmails = new Set<string>();
  const emailFor = (name: string, domain: string) => {
    const base = slug(name);
    let email = `${base}@${domain}`;
    for (let n = 2; usedEmails.has(email); n += 1) email = `${base}${n}@${domain}`;
    usedEmails.add(email);
    return email;
  };

  const teachers = Array.from({ length: 28 }, () => {
    const { given, family } = personName();
    const name = `${given} ${family}`;
    return { email: emailFor(name, 'demo-high.example'), name, role: 'teacher' as const };
  });
  const bursarName = `${random.pick(givenNames.female)} ${random.pick(familyNames)}`;
  const staff = [
    ...teachers,
    { email: emailFor(bursarName, 'demo-high.example'), name: bursarName, role: 'bursar' as const },
  ];

  const classes = grades.flatMap((grade, g) =>
    sections.map((section, s) => ({
      name: `${grade}${section}`,
      grade,
      homeroom: teachers[g * sections.length + s]!.email,
    })),
  );
  // Each subject has its own teachers (3 or 4), who share its classes.
  const subjectTeachers = demoSubjects.map((_, s) => teachers.filter((_, t) => t % demoSubjects.length === s));
  const assignments = classes.flatMap((cls, c) =>
    demoSubjects.map((subject, s) => {
      const pool = subjectTeachers[s]!;
      return { teacher: pool[c % pool.length]!.email, className: cls.name, subject: subject.code };
    }),
  );

  const startYear = Number(term.startsOn.slice(0, 4));
  let admission = 0;
  const students = classes.flatMap((cls) =>
    Array.from({ length: perClass }, () => {
      const profile = random.pick(uci);
      const { given, family } = personName();
      admission += 1;
      // Age for grade: a grade-7 student turns 12 in the year the school year starts; each failure adds a year.
      const birthYear = startYear - (cls.grade + 5) - Math.min(profile.failures, 3);
      const dateOfBirth = addDays(`${birthYear}-01-01`, random.int(0, 364));
      return {
        admissionNo: `DH${String(startYear - (cls.grade - 7)).slice(2)}-${String(admission).padStart(4, '0')}`,
        givenName: given,
        familyName: family,
        dateOfBirth,
        className: cls.name,
        profile,
      };
    }),
  );

  // Guardians: one or two per family; about one family in ten has two children at the school.
  const guardians: DemoSchoolData['guardians'] = [];
  for (let i = 0; i < students.length; i += 1) {
    const child = students[i]!;
    const sibling = random.chance(0.1) && i + 1 < students.length ? students[i + 1] : undefined;
    const children = [child, ...(sibling ? [sibling] : [])];
    if (sibling) sibling.familyName = child.familyName;
    const parents = random.chance(0.6) ? 2 : 1;
    for (let p = 0; p < parents; p += 1) {
      const female = p === 0 ? random.chance(0.7) : random.chance(0.3);
      const name = `${random.pick(female ? givenNames.female : givenNames.male)} ${child.familyName.split(' ')[1]}`;
      guardians.push({
        key: `${child.admissionNo}/${p}`,
        name,
        email: emailFor(name, 'families.example'),
        phone: `+3519${random.int(10, 69)}${random.int(100, 999)}${random.int(100, 999)}`,
        children: children.map((c) => ({ admissionNo: c.admissionNo, relationship: female ? 'mother' : 'father' })),
      });
    }
    if (sibling) i += 1;
  }

  const schoolDays = schoolDaysOf(term);
  // UCI absences count a whole year (about 180 days); a term gets its share of them.
  const termShare = schoolDays.length / 180;
  const attendance = students.map((student) => {
    const expected = student.profile.absences * termShare;
    const absences = Math.min(schoolDays.length, Math.floor(expected) + (random.chance(expected % 1) ? 1 : 0));
    const days = new Set<string>();
    while (days.size < absences) days.add(random.pick(schoolDays));
    const absent: string[] = [];
    const excused: string[] = [];
    for (const day of [...days].sort()) (random.chance(0.25) ? excused : absent).push(day);
    const late = schoolDays.filter((day) => !days.has(day) && random.chance(0.015));
    return { admissionNo: student.admissionNo, absent, excused, late };
  });

  const midTerm = schoolDays[Math.floor(schoolDays.length / 2)]!;
  const termEnd = schoolDays.at(-1)!;
  const assessments = classes.flatMap((cls) =>
    demoSubjects.flatMap((subject) => [
      { className: cls.name, subject: subject.code, name: 'Test 1', maxScore: 20, weight: 1, heldOn: midTerm },
      { className: cls.name, subject: subject.code, name: 'Term exam', maxScore: 20, weight: 2, heldOn: termEnd },
    ]),
  );
  // A first-term score sits around the student's UCI first-term grade, shifted by subject.
  const clampScore = (value: number) => Math.max(0, Math.min(20, Math.round(value)));
  const scores = students.flatMap((student) =>
    demoSubjects.flatMap((subject) =>
      ['Test 1', 'Term exam'].map((assessment) => ({
        admissionNo: student.admissionNo,
        subject: subject.code,
        assessment,
        score: clampScore(student.profile.g1 + subject.offset + random.normal() * 1.5),
      })),
    ),
  );

  const feeStructures = grades.flatMap((grade) => [
    {
      name: `Tuition ${term.name}`,
      category: 'tuition',
      grade,
      amountMinor: 40_000 + (grade - 7) * 2_500,
      dueOn: addDays(term.startsOn, 30),
    },
    { name: `Books ${term.name}`, category: 'books', grade, amountMinor: 8_500, dueOn: addDays(term.startsOn, 14) },
  ]);
  const methods = ['bank-transfer', 'bank-transfer', 'card', 'cash', 'mobile-money'];
  const payments: DemoSchoolData['payments'] = [];
  for (const student of students) {
    const grade = Number(student.className.slice(0, -1));
    for (const fee of feeStructures.filter((f) => f.grade === grade)) {
      const roll = random.next();
      const paidShare = fee.category === 'books' ? (roll < 0.9 ? 1 : 0) : roll < 0.8 ? 1 : roll < 0.88 ? 0.5 : 0;
      if (paidShare === 0) continue;
      payments.push({
        clientKey: `demo-${student.admissionNo}-${fee.category}`,
        admissionNo: student.admissionNo,
        feeName: fee.name,
        amountMinor: Math.round(fee.amountMinor * paidShare),
        method: random.pick(methods),
        paidOn: addDays(fee.dueOn, random.int(-20, 10)),
      });
    }
  }

  return {
    gradeLevels: grades.map((grade) => ({ name: `Grade ${grade}`, ordinal: grade })),
    classes,
    staff,
    subjects: demoSubjects.map(({ code, name }) => ({ code, name })),
    assignments,
    students,
    guardians,
    attendance,
    schoolDays,
    assessments,
    scores,
    feeStructures,
    payments,
  };
}
