/** The domain rules of the hub's input, for the gateway. */
export { CREDIT_CODE_CHARSET, creditCodeCheckCharacter, findCreditCodeProblem, isValidCreditCode, type CreditCodeProblem } from './credit-code';
export { parseDocumentNumber, type DocumentNumber } from './document-number';
export { parseIndexNumber, type IndexNumber } from './index-number';
export { INPUT_LIMITS } from './input-limits';
export {
  REQUEST_STEP_TRANSITIONS,
  allowedNextRequestSteps,
  findRequestHistoryProblem,
  isRequestStepAllowed,
  type RequestHistoryProblem,
} from './request-steps';
export { findUnsafeText } from './text-safety';
export { validateEvent, type EventToValidate, type ValidationContext } from './validate-event';
export { VALIDATION_RULES, toFieldViolations, type FieldViolation, type ValidationRule, type Violation } from './violation';
