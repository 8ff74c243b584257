import type { ValidateFunction } from 'ajv';
import type { Response } from 'supertest';
import { listOperations } from '../../../src/server/openapi.js';
import {
  resolveLocal,
  type OpenApiDocument,
  type ResponseObject,
} from '../../../src/server/openapi-types.js';
import { createDocumentAjv, pointerSegment, refTo, type Ajv } from '../../../src/server/schema.js';

/**
 * Checks answers against the OpenAPI document the server serves: the status is documented for the
 * operation (every 4xx/5xx is at least a Problem), the content type is a documented one and the
 * body validates against its schema (JSON Schema 2020-12, with the document's components).
 */
export class Conformance {
  private readonly ajv: Ajv;
  private readonly cache = new Map<string, ValidateFunction>();
  private readonly routes: { re: RegExp; template: string; fullTemplate: string }[];

  constructor(readonly doc: OpenApiDocument) {
    this.ajv = createDocumentAjv(doc);
    this.routes = listOperations(doc).map((op) => ({
      re: new RegExp(`^${op.fullTemplate.replace(/\./g, '\\.').replace(/\{\w+\}/g, '[^/]+')}$`),
      template: op.template,
      fullTemplate: op.fullTemplate,
    }));
  }

  /** Problems found with this answer to a GET of `path` (empty when it conforms). */
  check(path: string, res: Response): string[] {
    const route = this.routes.find((r) => r.re.test(path.split('?', 1)[0]));
    const status = String(res.status);
    const mediaType = String(res.headers['content-type'] ?? '').split(';', 1)[0];
    const problems: string[] = [];
    if (!res.headers['x-request-id']) problems.push('no X-Request-Id header');
    let pointer: string | null = null;
    if (route) {
      const op = this.doc.paths[route.template].get;
      const documented = op?.responses[status];
      if (documented) {
        const response = resolveLocal<ResponseObject>(this.doc, documented);
        const content = response.content ?? {};
        if (!(mediaType in content)) {
          problems.push(
            `content type ${mediaType} is not documented for ${status} (${Object.keys(content).join(', ')})`,
          );
        }
        const base =
          documented && '$ref' in documented
            ? documented.$ref.slice(1)
            : `/paths/${pointerSegment(route.template)}/get/responses/${status}`;
        pointer = `${base}/content/${pointerSegment(mediaType)}/schema`;
      } else if (res.status < 400) {
        problems.push(`status ${status} is not documented for ${route.fullTemplate}`);
      }
    }
    if (pointer === null && res.status >= 400) {
      if (mediaType !== 'application/problem+json') problems.push(`error answered as ${mediaType}`);
      pointer = '/components/schemas/Problem';
    }
    if (pointer === null) return problems;
    const body: unknown = mediaType.startsWith('text/') ? res.text : res.body;
    const validate = this.validator(pointer);
    if (!validate(body)) problems.push(`${pointer}: ${this.ajv.errorsText(validate.errors)}`);
    return problems;
  }

  private validator(pointer: string): ValidateFunction {
    let v = this.cache.get(pointer);
    if (!v) {
      v = this.ajv.compile(refTo(pointer));
      this.cache.set(pointer, v);
    }
    return v;
  }
}
