/** Data types of every event, mirroring the current versions of the schemas in `schemas/`. */
export * from './alert-raised';
export * from './common';
export * from './delivery-outcome';
export * from './document-published';
export * from './event-types';
export * from './interpretation-published';
export * from './procurement-published';
export * from './publication-retracted';
export * from './request-status-changed';
export * from './review-decided';
