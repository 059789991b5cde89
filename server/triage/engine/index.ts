/**
 * The triage engine (ARCHITECTURE §6): pure functions and an in-memory model, no I/O. The service
 * loads rules, settings and training examples from the database and hands them in here.
 */
export * from './types.js';
export { classify, type ClassifyKit } from './classify.js';
export { compileRules, matchRules, REGEX_INPUT_LIMIT, RuleCompileError, type CompiledRules, type RuleContext, type RuleMatchResult } from './rules.js';
export { assessUrgency, compileUrgencyWords, type CompiledUrgencyWords, type UrgencyContext } from './urgency.js';
export { TriageModel, modelText, type ModelPrediction, type PredictOptions, type TriageModelOptions } from './model.js';
export { NaiveBayes, type NaiveBayesOptions, type NaiveBayesPrediction } from './naive-bayes.js';
export { detectLanguage } from './language.js';
export { scoreSentiment } from './sentiment.js';
export { normalizeText } from './normalize.js';
export { featuresOf } from './features.js';
export { DEFAULT_CATEGORIES, DEFAULT_RULES, DEFAULT_URGENCY, type CategoryDefinition } from './defaults.js';
export { SEED_EXAMPLES } from './seed-examples.js';
