/**
 * The SLA engine's entry point (ARCHITECTURE §5). The pure maths and rules are what other parts
 * (reports, the console, tests) may use directly; the services are wired in server/services.ts.
 */
export {
  ALWAYS_OPEN_UTC, InvalidCalendarError, addWorkingMinutes, isWorkingTime, nextOpening, validateCalendar, workingMinutesBetween,
  type BusinessCalendar, type Weekday, type WorkingPeriod,
} from './calendar.js';
export { addWorkingDays, isWorkingDay } from './working-days.js';
export { matchPolicy, type PolicyRule, type PolicySubject, type SlaConditions, type SlaTargets } from './policy.js';
export {
  ALERT_BITS, METRICS, applyClockEvent, computeDeadlines, dueAlerts, initialState, markAlerted, nextCheckAt, remainingMinutes,
  type AlertKind, type ClockEvent, type ClockState, type Deadlines, type DueAlert, type Metric,
} from './clocks.js';
export { SlaService, type SlaRow, type SlaView } from './sla.service.js';
export { SlaScheduler } from './scheduler.js';
export { EscalationService } from './escalation.service.js';
