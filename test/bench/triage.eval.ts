/**
 * Triage engine evaluation on public data (npm run eval:triage). No database, no network.
 *
 *   bitext_customer_service_en_sample.csv  405 English customer-service requests, 27 intents × 15.
 *     Each intent is mapped to our categories and ticket types (INTENT_MAP below) and split 70/30
 *     within each intent by a hash of the row id (deterministic, stratified). A fresh TriageModel
 *     (no seed examples, no rules) learns the 70% and is scored on the 30%: category, type, and the
 *     27 raw intents with a separate Naive Bayes on the same features (headroom: how well the
 *     features separate finer labels). Then the product pipeline as users get it: classify() with
 *     DEFAULT_RULES and a model taught SEED_EXAMPLES only (day one, before any correction: English
 *     requests from another domain, so a floor, not a target), then SEED_EXAMPLES + the 70%.
 *   asap_dianping_aspect_zh_sample.csv  300 Chinese restaurant reviews (Dianping), split into
 *     train/dev/test by the dataset. Sentiment in 3 classes from the stars (≤2 negative, 3 neutral,
 *     ≥4 positive): the lexicon (untrained) and a Naive Bayes learned on train+dev. Aspects: for
 *     each of 5 aspect groups a Naive Bayes "is this group mentioned" detector.
 *   Throughput: classify() over every text of both files, repeated for at least 2 s.
 *
 * Accuracy and macro-F1 (the mean of per-label F1 over labels present in the truth or the
 * predictions). Ends with a one-line JSON summary. MEMBERDESK_FIXTURES overrides the fixtures folder.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { parse } from 'csv-parse/sync';
import type { TicketType } from '../../server/domain.js';
import {
  classify, compileRules, compileUrgencyWords, DEFAULT_CATEGORIES, DEFAULT_RULES, DEFAULT_URGENCY, featuresOf, modelText, NaiveBayes,
  normalizeText, scoreSentiment, SEED_EXAMPLES, TriageModel, type TrainingExample, type TriageResult,
} from '../../server/triage/engine/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const FIXTURES = process.env.MEMBERDESK_FIXTURES ?? path.resolve(here, '../../../shared/fixtures/texts');
const TRAIN_SHARE = 0.7;
const MIN_BENCH_MS = 2000;
const CATEGORY_KEYS = DEFAULT_CATEGORIES.map((c) => c.key);

/**
 * Bitext intent → our labels. Categories follow what a membership desk would route the request to:
 * account matters to account_login; anything about money (payment, refund, invoice, cancellation
 * fees, cancelling or changing an order) to transaction_dispute; where a parcel is or goes to
 * delivery_logistics; the newsletter is part of the membership programme; feedback about the service
 * to service_quality; asking for a human or placing an order is none of these (other). Types:
 * a complaint is a complaint, a review is unsolicited feedback (our "suggestion"), every other
 * intent asks for something (enquiry) — even "report a payment issue", which is a request for help.
 */
const INTENT_MAP: Record<string, { category: string; type: TicketType }> = {
  create_account: { category: 'account_login', type: 'enquiry' },
  delete_account: { category: 'account_login', type: 'enquiry' },
  edit_account: { category: 'account_login', type: 'enquiry' },
  recover_password: { category: 'account_login', type: 'enquiry' },
  registration_problems: { category: 'account_login', type: 'enquiry' },
  switch_account: { category: 'account_login', type: 'enquiry' },
  check_cancellation_fee: { category: 'transaction_dispute', type: 'enquiry' },
  check_invoice: { category: 'transaction_dispute', type: 'enquiry' },
  get_invoice: { category: 'transaction_dispute', type: 'enquiry' },
  check_payment_methods: { category: 'transaction_dispute', type: 'enquiry' },
  payment_issue: { category: 'transaction_dispute', type: 'enquiry' },
  check_refund_policy: { category: 'transaction_dispute', type: 'enquiry' },
  get_refund: { category: 'transaction_dispute', type: 'enquiry' },
  track_refund: { category: 'transaction_dispute', type: 'enquiry' },
  cancel_order: { category: 'transaction_dispute', type: 'enquiry' },
  change_order: { category: 'transaction_dispute', type: 'enquiry' },
  delivery_options: { category: 'delivery_logistics', type: 'enquiry' },
  delivery_period: { category: 'delivery_logistics', type: 'enquiry' },
  track_order: { category: 'delivery_logistics', type: 'enquiry' },
  change_shipping_address: { category: 'delivery_logistics', type: 'enquiry' },
  set_up_shipping_address: { category: 'delivery_logistics', type: 'enquiry' },
  newsletter_subscription: { category: 'points_membership', type: 'enquiry' },
  complaint: { category: 'service_quality', type: 'complaint' },
  review: { category: 'service_quality', type: 'suggestion' },
  contact_customer_service: { category: 'other', type: 'enquiry' },
  contact_human_agent: { category: 'other', type: 'enquiry' },
  place_order: { category: 'other', type: 'enquiry' },
};

const ASPECT_GROUPS = ['location', 'service', 'price', 'environment', 'dish'] as const;

interface BitextRow {
  id: string;
  utterance: string;
  intent: string;
  category: string;
  type: TicketType;
}

interface AsapRow {
  split: string;
  text: string;
  sentiment: 'negative' | 'neutral' | 'positive';
  mentioned: Record<(typeof ASPECT_GROUPS)[number], boolean>;
}

function readCsv(file: string): Array<Record<string, string>> {
  return parse(readFileSync(path.join(FIXTURES, file), 'utf8'), { columns: true, skip_empty_lines: true }) as Array<Record<string, string>>;
}

function loadBitext(): BitextRow[] {
  return readCsv('bitext_customer_service_en_sample.csv').map((r) => {
    const mapped = INTENT_MAP[r.intent!];
    if (!mapped) throw new Error(`bitext intent ${r.intent} has no mapping`);
    return { id: r.id!, utterance: r.utterance!, intent: r.intent!, ...mapped };
  });
}

function loadAsap(): AsapRow[] {
  return readCsv('asap_dianping_aspect_zh_sample.csv').map((r) => {
    const star = Number(r.star);
    const mentioned = Object.fromEntries(ASPECT_GROUPS.map((g) => [
      g,
      Object.entries(r).some(([column, v]) => column.startsWith(`${g}_`) && Number(v) !== -2),
    ])) as AsapRow['mentioned'];
    return { split: r.split!, text: r.reviewbody!, sentiment: star <= 2 ? 'negative' : star >= 4 ? 'positive' : 'neutral', mentioned };
  });
}

/** FNV-1a: a stable hash, so the split is the same on every machine and run. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

function stratifiedSplit<T extends { id: string; intent: string }>(rows: T[]): { train: T[]; test: T[] } {
  const byIntent = new Map<string, T[]>();
  for (const r of rows) byIntent.set(r.intent, [...(byIntent.get(r.intent) ?? []), r]);
  const train: T[] = [];
  const test: T[] = [];
  for (const group of byIntent.values()) {
    const ordered = [...group].sort((a, b) => fnv1a(a.id) - fnv1a(b.id) || (a.id < b.id ? -1 : 1));
    const cut = Math.round(ordered.length * TRAIN_SHARE);
    train.push(...ordered.slice(0, cut));
    test.push(...ordered.slice(cut));
  }
  return { train, test };
}

interface Scores {
  n: number;
  accuracy: number;
  macroF1: number;
}

function score(truth: readonly string[], predicted: readonly string[]): Scores {
  const labels = new Set([...truth, ...predicted]);
  let correct = 0;
  for (let i = 0; i < truth.length; i++) if (truth[i] === predicted[i]) correct++;
  let f1Sum = 0;
  for (const label of labels) {
    let tp = 0, fp = 0, fn = 0;
    for (let i = 0; i < truth.length; i++) {
      if (predicted[i] === label && truth[i] === label) tp++;
      else if (predicted[i] === label) fp++;
      else if (truth[i] === label) fn++;
    }
    f1Sum += tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
  }
  return { n: truth.length, accuracy: correct / truth.length, macroF1: labels.size ? f1Sum / labels.size : 0 };
}

const features = (text: string): string[] => featuresOf(normalizeText(text));

interface Row {
  task: string;
  method: string;
  scores: Scores;
  note?: string;
}
const table: Row[] = [];
const summary: Record<string, number> = {};

function record(key: string, task: string, method: string, scores: Scores, note?: string): void {
  table.push({ task, method, scores, note });
  summary[`${key}_accuracy`] = round3(scores.accuracy);
  summary[`${key}_macro_f1`] = round3(scores.macroF1);
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** The model alone, as a label set sees it: every prediction (minConfidence 0), plus what passes the default floor. */
function evaluateModel(train: BitextRow[], test: BitextRow[]): void {
  const model = new TriageModel();
  for (const r of train) model.learn({ text: r.utterance, type: r.type, category: r.category });
  for (const set of ['category', 'type'] as const) {
    const truth: string[] = [];
    const predicted: string[] = [];
    let confidenceSum = 0;
    let passing = 0;
    let passingRight = 0;
    for (const r of test) {
      const p = model.predict(r.utterance, { categories: CATEGORY_KEYS, minConfidence: 0 })[set];
      truth.push(r[set]);
      predicted.push(p?.value ?? '(none)');
      confidenceSum += p?.confidence ?? 0;
      // What classify would show: the prediction only when it clears the model's default floor.
      const shown = model.predict(r.utterance, { categories: CATEGORY_KEYS })[set];
      if (shown) {
        passing++;
        if (shown.value === r[set]) passingRight++;
      }
    }
    const s = score(truth, predicted);
    const passingAccuracy = passingRight / Math.max(1, passing);
    record(`bitext_${set}`, `bitext ${set}`, 'model, trained on 70%', s,
      `mean confidence ${(confidenceSum / test.length).toFixed(3)}; above the floor: ${Math.round((100 * passing) / test.length)}% of texts, accuracy ${passingAccuracy.toFixed(3)}`);
    summary[`bitext_${set}_coverage_at_floor`] = round3(passing / test.length);
    summary[`bitext_${set}_accuracy_at_floor`] = round3(passingAccuracy);
  }
  const intents = new NaiveBayes();
  for (const r of train) intents.add(features(r.utterance), r.intent);
  const predicted = test.map((r) => intents.predict(features(r.utterance))?.label ?? '(none)');
  record('bitext_intent', 'bitext intent (27)', 'Naive Bayes, same features', score(test.map((r) => r.intent), predicted));
}

/** The product as users get it: starter rules first, then a model taught the seed examples and the training part. */
function productKit(train: readonly TrainingExample[]): Parameters<typeof classify>[1] {
  const model = new TriageModel();
  for (const e of [...SEED_EXAMPLES, ...train]) model.learn(e);
  return {
    rules: compileRules(DEFAULT_RULES),
    model,
    urgency: DEFAULT_URGENCY,
    urgencyWords: compileUrgencyWords(DEFAULT_URGENCY),
    categories: CATEGORY_KEYS,
  };
}

function evaluateProduct(train: BitextRow[], test: BitextRow[]): void {
  const taught = train.map((r) => ({ text: modelText(undefined, r.utterance), type: r.type, category: r.category }));
  const stages = [
    { key: 'out_of_box', method: 'product day one: rules + seed', kit: productKit([]) },
    { key: 'product', method: 'product: rules + seed + 70%', kit: productKit(taught) },
  ];
  for (const { key, method, kit } of stages) {
    const results: TriageResult[] = test.map((r) => classify({ text: r.utterance }, kit));
    for (const set of ['category', 'type'] as const) {
      const decidedBy = new Map<string, number>();
      for (const res of results) {
        const code = res[set].reasons[0]?.code ?? '?';
        decidedBy.set(code, (decidedBy.get(code) ?? 0) + 1);
      }
      const note = [...decidedBy].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([code, n]) => `${code} ${n}`).join(', ');
      record(`${key}_${set}`, `bitext ${set}`, method, score(test.map((r) => r[set]), results.map((res) => res[set].value)), note);
    }
  }
}

function evaluateAsap(rows: AsapRow[]): void {
  const train = rows.filter((r) => r.split !== 'test');
  const test = rows.filter((r) => r.split === 'test');
  const truth = test.map((r) => r.sentiment);
  const collapse = (v: string): string => (v.endsWith('negative') ? 'negative' : v.endsWith('positive') ? 'positive' : 'neutral');
  record('asap_sentiment_lexicon', 'ASAP sentiment (3)', 'lexicon, untrained', score(truth, test.map((r) => collapse(scoreSentiment(r.text).value))));
  const nb = new NaiveBayes();
  for (const r of train) nb.add(features(r.text), r.sentiment);
  record('asap_sentiment_nb', 'ASAP sentiment (3)', 'Naive Bayes, train+dev', score(truth, test.map((r) => nb.predict(features(r.text))?.label ?? '(none)')));

  let sum = 0;
  for (const group of ASPECT_GROUPS) {
    const detector = new NaiveBayes();
    const label = (r: AsapRow): string => (r.mentioned[group] ? 'mentioned' : 'absent');
    for (const r of train) detector.add(features(r.text), label(r));
    const s = score(test.map(label), test.map((r) => detector.predict(features(r.text))?.label ?? '(none)'));
    const base = test.filter((r) => r.mentioned[group]).length / test.length;
    record(`asap_aspect_${group}`, `ASAP aspect ${group}`, 'Naive Bayes mention detector', s, `${Math.round(base * 100)}% of test reviews mention it`);
    sum += s.macroF1;
  }
  summary.asap_aspect_mean_macro_f1 = round3(sum / ASPECT_GROUPS.length);
  table.push({ task: 'ASAP aspects, mean', method: 'Naive Bayes mention detectors', scores: { n: test.length, accuracy: NaN, macroF1: sum / ASPECT_GROUPS.length } });
}

interface Speed {
  perSecond: number;
  meanMicros: number;
  p50Micros: number;
  p99Micros: number;
  /** Mean over texts of 150–250 characters: the "200-character message" the engine is sized for. */
  around200Micros: number;
}

function throughput(bitext: BitextRow[], asap: AsapRow[], train: BitextRow[]): Speed {
  const kit = productKit(train.map((r) => ({ text: r.utterance, type: r.type, category: r.category })));
  const texts = [...bitext.map((r) => r.utterance), ...asap.map((r) => r.text)];
  for (const text of texts) classify({ text }, kit); // warm-up: converters, lexicon, JIT
  const timings: number[] = [];
  let around200 = 0;
  let around200Count = 0;
  const start = performance.now();
  while (performance.now() - start < MIN_BENCH_MS) {
    for (const text of texts) {
      const t0 = performance.now();
      classify({ text, memberTier: 'gold', recentContacts: 0 }, kit);
      const micros = (performance.now() - t0) * 1000;
      timings.push(micros);
      if (text.length >= 150 && text.length <= 250) {
        around200 += micros;
        around200Count++;
      }
    }
  }
  const elapsed = performance.now() - start;
  const sorted = Float64Array.from(timings).sort();
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return {
    perSecond: (timings.length / elapsed) * 1000,
    meanMicros: (elapsed * 1000) / timings.length,
    p50Micros: at(0.5),
    p99Micros: at(0.99),
    around200Micros: around200 / Math.max(1, around200Count),
  };
}

function printTable(): void {
  const header = ['task', 'method', 'n', 'accuracy', 'macro-F1', 'notes'];
  const lines = table.map((r) => [
    r.task, r.method, String(r.scores.n), Number.isNaN(r.scores.accuracy) ? '' : r.scores.accuracy.toFixed(3), r.scores.macroF1.toFixed(3), r.note ?? '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const fmt = (cells: string[]): string => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  console.log(fmt(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const l of lines) console.log(fmt(l));
}

function main(): void {
  const started = performance.now();
  const bitext = loadBitext();
  const asap = loadAsap();
  const { train, test } = stratifiedSplit(bitext);
  console.log(`fixtures: ${FIXTURES}`);
  console.log(`bitext: ${bitext.length} rows, ${train.length} train / ${test.length} held out; ASAP: ${asap.length} rows\n`);

  evaluateModel(train, test);
  evaluateProduct(train, test);
  evaluateAsap(asap);
  printTable();

  const speed = throughput(bitext, asap, train);
  const chars = [...bitext.map((r) => r.utterance.length), ...asap.map((r) => r.text.length)];
  console.log(`\nclassify() over ${chars.length} texts (mean ${Math.round(chars.reduce((a, b) => a + b, 0) / chars.length)} chars), repeated for ${MIN_BENCH_MS / 1000} s:`);
  console.log(`  ${Math.round(speed.perSecond)} texts/s; per text mean ${speed.meanMicros.toFixed(1)} µs, p50 ${speed.p50Micros.toFixed(1)} µs, p99 ${speed.p99Micros.toFixed(1)} µs; texts of 150–250 chars ${speed.around200Micros.toFixed(1)} µs`);
  summary.classify_texts_per_second = Math.round(speed.perSecond);
  summary.classify_us_per_text = round1(speed.meanMicros);
  summary.classify_us_p99 = round1(speed.p99Micros);
  summary.classify_us_150_250_chars = round1(speed.around200Micros);
  console.log(`eval took ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  console.log(JSON.stringify(summary));
}

main();
