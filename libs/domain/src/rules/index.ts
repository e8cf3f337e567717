/** Clinical rules of docs/clinical-rules.md §2–9, each in one module, each usable on its own (API pre-checks, read models). */
export * from './authorization';
export * from './catalogue';
export * from './certification';
export * from './contraindications';
export * from './discharge';
export * from './no-shows';
export * from './notes';
export * from './outcome-measures';
export * from './plateau';
export * from './progress-reports';
export * from './referral';
