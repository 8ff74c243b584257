import type { ErrorObject, ValidateFunction } from 'ajv';
import type { Request } from 'express';
import type { OpenApiDocument, OperationObject, ParameterObject } from './openapi-types.js';
import { resolveLocal } from './openapi-types.js';
import { ApiError } from './problem.js';
import { absolutize, createDocumentAjv, type Ajv } from './schema.js';

/** The parameters of one request, validated, coerced and defaulted by the operation's schemas. */
export interface OperationInput {
  query: Record<string, unknown>;
  path: Record<string, string>;
}

export type InputValidator = (req: Request) => OperationInput;

/** An ajv that coerces query strings to the parameter types and fills in documented defaults. */
export function createParameterAjv(doc: OpenApiDocument): Ajv {
  return createDocumentAjv(doc, { coerceTypes: true, useDefaults: true });
}

/**
 * A validator for one operation, compiled from its parameter schemas in the document: one object
 * schema for the query (unknown parameters refused) and one for the path.
 */
export function compileInputValidator(ajv: Ajv, doc: OpenApiDocument, op: OperationObject): InputValidator {
  const params = (op.parameters ?? []).map((p) => resolveLocal<ParameterObject>(doc, p));
  const hints = new Map(params.map((p) => [p.name, p.description]));
  const query = compileGroup(
    ajv,
    params.filter((p) => p.in === 'query'),
    false,
  );
  const path = compileGroup(
    ajv,
    params.filter((p) => p.in === 'path'),
    true,
  );
  return (req) => {
    const q: Record<string, unknown> = { ...(req.query as Record<string, unknown>) };
    for (const [name, value] of Object.entries(q)) {
      if (Array.isArray(value)) {
        throw new ApiError('BAD_PARAMETER', `query parameter "${name}" is given more than once`, {
          parameter: name,
        });
      }
    }
    check(query, q, 'query', hints);
    const p: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.params))
      p[name] = Array.isArray(value) ? value.join('/') : value;
    check(path, p, 'path', hints);
    return { query: q, path: p };
  };
}

function compileGroup(ajv: Ajv, params: ParameterObject[], allRequired: boolean): ValidateFunction {
  return ajv.compile({
    type: 'object',
    properties: Object.fromEntries(params.map((p) => [p.name, absolutize(p.schema)])),
    required: params.filter((p) => allRequired || p.required).map((p) => p.name),
    additionalProperties: false,
  });
}

function check(
  validate: ValidateFunction,
  data: Record<string, unknown>,
  where: 'query' | 'path',
  hints: Map<string, string>,
): void {
  if (validate(data)) return;
  const e = (validate.errors ?? [])[0];
  if (!e) throw new ApiError('BAD_PARAMETER', `invalid ${where} parameters`);
  if (e.keyword === 'additionalProperties') {
    const name = String(e.params.additionalProperty);
    throw new ApiError('UNKNOWN_PARAMETER', `unknown ${where} parameter "${name}"`, { parameter: name });
  }
  if (e.keyword === 'required') {
    const name = String(e.params.missingProperty);
    throw new ApiError('BAD_PARAMETER', `${where} parameter "${name}" is required`, { parameter: name });
  }
  const name = parameterName(e);
  throw new ApiError('BAD_PARAMETER', `${where} parameter "${name}" ${describe(e, hints.get(name))}`, {
    parameter: name,
  });
}

function parameterName(e: ErrorObject): string {
  return e.instancePath.split('/')[1]?.replace(/~1/g, '/').replace(/~0/g, '~') ?? '';
}

function describe(e: ErrorObject, hint: string | undefined): string {
  switch (e.keyword) {
    case 'enum':
      return `must be one of ${(e.params.allowedValues as unknown[]).join(', ')}`;
    case 'pattern':
    case 'anyOf':
    case 'format':
      return hint ? `is not valid: ${hint}` : 'is not valid';
    default:
      return e.message ?? 'is invalid';
  }
}
