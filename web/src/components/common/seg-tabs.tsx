/** A segmented tab strip (role tablist): one button per value, the current one marked; `testId` prefixes each button's test id. */
export function SegTabs<T extends string>({ values, value, onChange, label, text, testId, className }: {
  values: readonly T[]; value: NoInfer<T>; onChange(v: NoInfer<T>): void; label: string; text(v: NoInfer<T>): string; testId: string; className?: string;
}) {
  return (
    <div className={`seg${className ? ` ${className}` : ''}`} role="tablist" aria-label={label}>
      {values.map((x) => (
        <button key={x} type="button" role="tab" aria-selected={value === x} className={`seg__btn${value === x ? ' seg__btn--on' : ''}`}
          onClick={() => onChange(x)} data-testid={`${testId}-${x}`}>{text(x)}</button>
      ))}
    </div>
  );
}
