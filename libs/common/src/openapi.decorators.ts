import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiQuery } from '@nestjs/swagger';
import { z } from 'zod';
import { openApiSchema } from './zod-validation';

/** Documents a JSON body with the zod schema that validates it. */
export const ApiJsonBody = (schema: z.ZodType) => ApiBody({ schema: openApiSchema(schema) as never });

/** Documents each property of a zod object schema as a query parameter. */
export const ApiQueryFrom = (schema: z.ZodObject) => {
  const json = openApiSchema(schema) as { properties?: Record<string, unknown>; required?: string[] };
  return applyDecorators(
    ...Object.entries(json.properties ?? {}).map(([name, property]) =>
      ApiQuery({ name, required: json.required?.includes(name) ?? false, schema: property as never }),
    ),
  );
};
