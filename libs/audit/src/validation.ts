import { createSelectSchema } from 'drizzle-zod';
import { auditLogs } from './audit-logs';

// Audit rows are written by triggers only; there is no insert or update schema on purpose.
export const auditLogSelectSchema = createSelectSchema(auditLogs);
