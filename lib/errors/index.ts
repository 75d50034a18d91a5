export * from './hsec-error.ts';
export * from './codes.ts';
