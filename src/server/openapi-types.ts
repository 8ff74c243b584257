/** The parts of OpenAPI 3.1 that flowmatrix's document uses. Schemas are JSON Schema 2020-12. */

export interface JsonSchema {
  $ref?: string;
  type?: JsonType | JsonType[];
  description?: string;
  [keyword: string]: unknown;
}

export type JsonType = 'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean' | 'null';

export interface Reference {
  $ref: string;
  description?: string;
}

export interface ParameterObject {
  name: string;
  in: 'query' | 'path' | 'header';
  description: string;
  required?: boolean;
  schema: JsonSchema;
}

export interface MediaTypeObject {
  schema: JsonSchema;
}

export interface HeaderObject {
  description: string;
  schema: JsonSchema;
}

export interface ResponseObject {
  description: string;
  headers?: Record<string, HeaderObject | Reference>;
  content?: Record<string, MediaTypeObject>;
}

export type SecurityRequirement = Record<string, string[]>;

export interface OperationObject {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  parameters?: (ParameterObject | Reference)[];
  /** `[]` marks an operation that needs no token even when one is configured. */
  security?: SecurityRequirement[];
  responses: Record<string, ResponseObject | Reference>;
}

export interface ServerObject {
  url: string;
  description?: string;
}

export interface PathItemObject {
  servers?: ServerObject[];
  get?: OperationObject;
}

export interface OpenApiDocument {
  openapi: '3.1.0' | '3.1.1';
  jsonSchemaDialect?: string;
  info: {
    title: string;
    version: string;
    description: string;
    license: { name: string; identifier: string };
  };
  servers: ServerObject[];
  tags: { name: string; description: string }[];
  security: SecurityRequirement[];
  paths: Record<string, PathItemObject>;
  components: {
    schemas: Record<string, JsonSchema>;
    parameters: Record<string, ParameterObject>;
    responses: Record<string, ResponseObject>;
    headers: Record<string, HeaderObject>;
    securitySchemes: Record<string, { type: 'http'; scheme: 'bearer'; description: string }>;
  };
}

export function isReference(v: object): v is Reference {
  return '$ref' in v && typeof (v as Reference).$ref === 'string';
}

/** Resolves a local `#/components/...` reference of the document (one level, as the document uses). */
export function resolveLocal<T>(doc: OpenApiDocument, v: T | Reference): T {
  if (typeof v !== 'object' || v === null || !isReference(v)) return v as T;
  const parts = v.$ref.replace(/^#\//, '').split('/');
  let node: unknown = doc;
  for (const p of parts) {
    if (typeof node !== 'object' || node === null) break;
    node = (node as Record<string, unknown>)[p.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  if (node === undefined || !v.$ref.startsWith('#/')) throw new Error(`unresolvable reference ${v.$ref}`);
  return node as T;
}
