import { z } from 'zod';
import { apiSchema } from '@engram/common';

export const livenessSchema = apiSchema('Liveness', z.object({ status: z.literal('ok') }));
export type Liveness = z.infer<typeof livenessSchema>;

/** One dependency's check, as Terminus reports it: `up` or `down`, with what the check adds. */
const checkSchema = z.looseObject({ status: z.enum(['up', 'down']) });
const checksSchema = z.record(z.string(), checkSchema);

/** Terminus's own body, on 200 and on 503 alike: which checks passed (`info`) and which failed (`error`). */
export const readinessSchema = apiSchema(
  'Readiness',
  z.object({
    status: z.enum(['ok', 'error', 'shutting_down']),
    info: checksSchema.optional(),
    error: checksSchema.optional(),
    details: checksSchema,
  }),
);
