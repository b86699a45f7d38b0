/** The review gate's detectors: each a function over text returning findings with masked excerpts. */
export * from './finding';
export { detectClassificationMarkers } from './classification-marker';
export {
  detectResidentIdentityNumbers,
  isResidentIdentityNumber,
  maskResidentIdentityNumber,
  residentIdentityCheckCharacter,
} from './resident-identity-number';
export { detectMobileNumbers, maskMobileNumber, maskMobileNumberInPlace, mobileNumberDigits } from './mobile-number';
export { detectBankCardNumbers, isBankCardNumber, maskBankCardNumber, maskBankCardNumberInPlace, passesLuhn } from './bank-card-number';
export { detectEmailAddresses, maskEmailAddress } from './email-address';
export { GLOBAL_WORD_LIST, WordLists, type WordListConfig } from './word-list';
export { foldWidth } from './text-folding';
export { detectPersonalData, findPersonalData, PERSONAL_DATA_DETECTORS, scanText, type PersonalDataDetector, type ScanOptions } from './scan-text';
export { candidateSpans, MIN_NUMBER_DIGITS, type CandidateSpans } from './candidate-spans';
