import { Agent, Department } from './db/entities/index.js';
import { AppError, ConfigError } from './errors.js';
import type { Logger } from './logger.js';
import { generatePassword } from './security/password.js';
import type { Services } from './services.js';

/**
 * A fresh installation needs one department to route to and one admin to sign in with. The admin
 * comes from MEMBERDESK_ADMIN_EMAIL / _PASSWORD; without a password one is generated and printed once.
 */
export async function bootstrap(s: Services, o: { adminEmail: string | null; adminPassword: string | null; print?: (line: string) => void }, log: Logger): Promise<void> {
  const print = o.print ?? ((line: string) => process.stdout.write(line + '\n'));
  if ((await s.db.read((m) => m.count(Department))) === 0) {
    const d = await s.departments.create({ name: 'General 综合服务', isDefault: true });
    log.info('created the default department', { departmentId: d.id });
  }
  if (await s.triageAdmin.ensureDefaults()) log.info('installed the starter triage categories, rules and examples');
  if (await s.suggestions.ensureDefaults()) log.info('installed the SLA policy for suggestions (decision within 10 working days)');
  if (await s.followUps.rules.ensureDefaults()) log.info('installed the default follow-up rules');
  if ((await s.db.read((m) => m.count(Agent))) > 0) return;
  const email = o.adminEmail ?? 'admin@memberdesk.local';
  const password = o.adminPassword ?? generatePassword();
  const admin = await s.agents.create({ name: 'Administrator', email, password, role: 'admin', locale: 'en' }).catch((err: unknown) => {
    if (err instanceof AppError && err.code === 'WEAK_PASSWORD') {
      throw new ConfigError(`MEMBERDESK_ADMIN_PASSWORD is too weak: ${err.message}`);
    }
    throw err;
  });
  log.info('created the first admin', { agentId: admin.id, email });
  if (!o.adminPassword) {
    print([
      '',
      '  ┌───────────────────────────────────────────────────────────┐',
      '  │ MemberDesk first admin (shown once; change it after login) │',
      '  └───────────────────────────────────────────────────────────┘',
      `    email:    ${email}`,
      `    password: ${password}`,
      '',
    ].join('\n'));
  }
}
