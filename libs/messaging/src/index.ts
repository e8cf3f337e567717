export * from './kafka';
export * from './patient-key';
