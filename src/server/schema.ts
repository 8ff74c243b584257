import Ajv2020Module, { type Options } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { JsonSchema, OpenApiDocument } from './openapi-types.js';

// ajv and ajv-formats are CommonJS: under NodeNext the default import is module.exports.
const Ajv2020 = Ajv2020Module.default;
const addFormats = addFormatsModule.default;
export type Ajv = InstanceType<typeof Ajv2020>;

/** The id the OpenAPI document is registered under, so its `#/components/...` references resolve. */
export const DOCUMENT_ID = 'https://flowmatrix.dev/openapi.json';

const DOCUMENT_MEMBERS = [
  'openapi',
  'info',
  'jsonSchemaDialect',
  'servers',
  'paths',
  'webhooks',
  'components',
  'security',
  'tags',
  'externalDocs',
];

/**
 * An ajv for JSON Schema 2020-12 (the dialect of OpenAPI 3.1) holding the whole document, so a
 * schema can point into it with `refTo` and the document's own references resolve.
 */
export function createDocumentAjv(doc: OpenApiDocument, options: Options = {}): Ajv {
  const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: false, ...options });
  addFormats(ajv);
  // The document's own members are not schema keywords: declared, so strict mode lets the root
  // compile (to nothing) while references point through it at the schemas inside.
  ajv.addVocabulary(DOCUMENT_MEMBERS);
  ajv.addSchema({ ...doc, $id: DOCUMENT_ID } as unknown as JsonSchema);
  return ajv;
}

/** A schema that is the document's schema at a JSON pointer such as `/components/schemas/FlowPage`. */
export function refTo(pointer: string): JsonSchema {
  return { $ref: `${DOCUMENT_ID}#${pointer}` };
}

/** A deep copy of a schema taken out of the document, its local references made absolute. */
export function absolutize(schema: JsonSchema): JsonSchema {
  return JSON.parse(JSON.stringify(schema), (key, value: unknown) =>
    key === '$ref' && typeof value === 'string' && value.startsWith('#') ? `${DOCUMENT_ID}${value}` : value,
  ) as JsonSchema;
}

/** JSON pointer escaping of one path segment (RFC 6901). */
export function pointerSegment(s: string): string {
  return s.replace(/~/g, '~0').replace(/\//g, '~1');
}
