import request, { type Response } from 'supertest';
import type { OpenApiDocument } from '../../../src/server/openapi-types.js';
import { Conformance } from './conformance.js';
import type { Harness } from './fakes.js';

/** The part of a tap test the client needs (message required: tap's rest-tuple signature). */
export interface Assertions {
  same(found: unknown, wanted: unknown, message: string): unknown;
}

/** GETs through supertest (no listening of ours) and checks each answer against the served document. */
export class Client {
  private constructor(
    private readonly h: Harness,
    readonly conformance: Conformance,
    private readonly headers: Record<string, string>,
  ) {}

  static async create(h: Harness, headers: Record<string, string> = {}): Promise<Client> {
    const res = await request(h.app).get('/api/v1/openapi.json').set(headers);
    if (res.status !== 200) throw new Error(`openapi.json answered ${res.status}`);
    return new Client(h, new Conformance(res.body as OpenApiDocument), headers);
  }

  async get(t: Assertions, url: string, headers: Record<string, string> = {}): Promise<Response> {
    const res = await request(this.h.app)
      .get(url)
      .set({ ...this.headers, ...headers });
    t.same(this.conformance.check(url, res), [], `${url} → ${res.status} conforms to the OpenAPI document`);
    return res;
  }
}
