import { useEffect, useId, useRef, useState } from 'react';

/**
 * Hand-written SVG charts for the trend (no chart library): grouped bars or lines over the buckets,
 * a y axis with round ticks, thinned x labels, and a tooltip (<title>) per bucket naming every value.
 * The page puts the same numbers in a table beside it for screen readers and copying.
 */

export interface ChartSeries {
  key: string;
  label: string;
  values: Array<number | null>;
  /** Colour slot in reports.css (chart__series--1 / --2). */
  tone: 1 | 2;
}

export interface ChartAxis { min: number; max: number; ticks: number[]; label(v: number): string }

interface Props {
  /** The chart's accessible name. */
  title: string;
  kind: 'bar' | 'line';
  /** Under the x axis, one per bucket (thinned when crowded). */
  ticks: string[];
  /** The bucket in a tooltip. */
  labels: string[];
  series: ChartSeries[];
  axis: ChartAxis;
  format(v: number | null): string;
  /** Shown instead of lines when no bucket has a value. */
  emptyText: string;
  testId: string;
}

const HEIGHT = 200;
const M = { top: 12, right: 12, bottom: 26, left: 58 };

function useWidth(initial: number) {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(initial);
  useEffect(() => {
    const el = ref.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver((entries) => {
      const w = entries[0]?.contentRect.width;
      if (w) setWidth(Math.max(240, Math.round(w)));
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return [ref, width] as const;
}

export function TrendChart({ title, kind, ticks, labels, series, axis, format, emptyText, testId }: Props) {
  const [box, width] = useWidth(560);
  const titleId = useId();
  const n = labels.length;
  const plotW = width - M.left - M.right;
  const plotH = HEIGHT - M.top - M.bottom;
  const band = n ? plotW / n : plotW;
  const cx = (i: number) => M.left + band * (i + 0.5);
  const span = axis.max - axis.min || 1;
  const y = (v: number) => M.top + plotH * (1 - (Math.min(Math.max(v, axis.min), axis.max) - axis.min) / span);
  const every = Math.max(1, Math.ceil(n / Math.max(2, Math.floor(plotW / 64))));
  const hasData = series.some((s) => s.values.some((v) => v !== null));

  const tooltip = (i: number) => [labels[i], ...series.map((s) => `${s.label}: ${format(s.values[i] ?? null)}`)].join('\n');

  return (
    <div className="chart" data-testid={testId}>
      <ul className="chart__legend" aria-hidden="true">
        {series.map((s) => <li key={s.key}><span className={`chart__swatch chart__series--${s.tone}`} />{s.label}</li>)}
      </ul>
      <div ref={box} className="chart__box">
        <svg width={width} height={HEIGHT} viewBox={`0 0 ${width} ${HEIGHT}`} role="img" aria-labelledby={titleId} className="chart__svg">
          <title id={titleId}>{title}</title>
          <g className="chart__grid">
            {axis.ticks.map((v) => (
              <g key={v}>
                <line x1={M.left} x2={width - M.right} y1={y(v)} y2={y(v)} />
                <text x={M.left - 6} y={y(v)} dy="0.32em" textAnchor="end">{axis.label(v)}</text>
              </g>
            ))}
          </g>
          <line className="chart__baseline" x1={M.left} x2={width - M.right} y1={M.top + plotH} y2={M.top + plotH} />
          <g className="chart__xticks">
            {ticks.map((label, i) => (i % every === 0 ? (
              <text key={i} x={cx(i)} y={HEIGHT - 8} textAnchor="middle">{label}</text>
            ) : null))}
          </g>
          {kind === 'bar' ? (
            <g>
              {series.map((s, j) => {
                const group = band * 0.72;
                const w = Math.max(1, group / series.length - 1);
                return (
                  <g key={s.key} className={`chart__series--${s.tone}`}>
                    {s.values.map((v, i) => (v === null || v <= axis.min ? null : (
                      <rect key={i} className="chart__bar" x={cx(i) - group / 2 + j * (group / series.length)} y={y(v)} width={w} height={Math.max(0, y(axis.min) - y(v))} rx={Math.min(2, w / 3)} />
                    )))}
                  </g>
                );
              })}
            </g>
          ) : (
            <g>
              {series.map((s) => {
                let d = '';
                let pen = false;
                s.values.forEach((v, i) => {
                  if (v === null) { pen = false; return; }
                  d += `${pen ? 'L' : 'M'}${cx(i).toFixed(1)},${y(v).toFixed(1)}`;
                  pen = true;
                });
                return (
                  <g key={s.key} className={`chart__series--${s.tone}`}>
                    {d && <path className="chart__line" d={d} />}
                    {s.values.map((v, i) => (v === null ? null : <circle key={i} className="chart__point" cx={cx(i)} cy={y(v)} r={n > 45 ? 2 : 3} />))}
                  </g>
                );
              })}
            </g>
          )}
          {!hasData && <text className="chart__empty" x={M.left + plotW / 2} y={M.top + plotH / 2} textAnchor="middle">{emptyText}</text>}
          <g className="chart__hits">
            {labels.map((_, i) => (
              <rect key={i} className="chart__hit" x={M.left + band * i} y={M.top} width={band} height={plotH}>
                <title>{tooltip(i)}</title>
              </rect>
            ))}
          </g>
        </svg>
      </div>
    </div>
  );
}

function niceStep(raw: number): number {
  if (!(raw > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(raw));
  const f = raw / p;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p;
}

function ticksTo(top: number, step: number): number[] {
  const out: number[] = [];
  for (let v = 0; v <= top + step / 2; v += step) out.push(v);
  return out;
}

/** Counts: whole steps of 1, 2, 5 × 10ⁿ, about four of them. */
export function countAxis(values: Array<number | null>, label: (v: number) => string): ChartAxis {
  const max = Math.max(0, ...values.filter((v): v is number => v !== null));
  const step = Math.max(1, niceStep(max / 4));
  const top = Math.max(step, Math.ceil(max / step) * step);
  return { min: 0, max: top, ticks: ticksTo(top, step), label };
}

/** Minutes step in minutes, then hours, then days, so the labels read as round durations. */
const MINUTE_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 180, 240, 360, 480, 720, 1440, 2880, 4320, 7200, 14_400];

export function minutesAxis(values: Array<number | null>, label: (v: number) => string): ChartAxis {
  const max = Math.max(0, ...values.filter((v): v is number => v !== null));
  const raw = max / 4;
  const step = MINUTE_STEPS.find((s) => s >= raw) ?? Math.ceil(raw / 14_400) * 14_400;
  const top = Math.max(step, Math.ceil(max / step) * step);
  return { min: 0, max: top, ticks: ticksTo(top, step), label };
}

export function fixedAxis(min: number, max: number, ticks: number[], label: (v: number) => string): ChartAxis {
  return { min, max, ticks, label };
}
