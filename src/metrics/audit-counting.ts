import type { AuditLog } from '../core/repositories.ts';

/**
 * `audit` with every successful append counted (`onAppended`), for the audit-entries metric. A
 * decorator, so the store and its chain writing stay as they are.
 */
export function countingAuditLog(audit: AuditLog, onAppended: () => void): AuditLog {
  return {
    append: async (entry) => {
      const appended = await audit.append(entry);
      onAppended();
      return appended;
    },
    recent: (filter) => audit.recent(filter),
    scan: (filter) => audit.scan(filter),
    countByDecision: (since) => audit.countByDecision(since),
    verify: (observe) => audit.verify(observe),
  };
}
