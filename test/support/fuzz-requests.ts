import type { OpenAPIObject } from '@nestjs/swagger';
import type { OperationObject, ParameterObject, ReferenceObject, SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import fc from 'fast-check';

/**
 * Requests made from the service's OpenAPI document for the fuzz test: for every operation, bodies,
 * query strings, path parameters and headers that either follow the schema with hostile text in it
 * (so they get past validation to the services) or break it in every way a client can.
 */

/** The n-th id the fuzz knows of a kind, looked up when the request is sent: the pools grow as the fuzz creates things. */
export class Known {
  constructor(
    readonly pool: string,
    readonly n: number,
  ) {}
}

/** Text sent as it is, not percent-encoded: malformed escapes and dot segments in a URL. */
export class Raw {
  constructor(readonly text: string) {}
}

export type Value = null | boolean | number | string | Known | Value[] | { [key: string]: Value };

export interface MultipartPart {
  name: string;
  filename?: string;
  contentType?: string;
  content: Buffer | string;
}

export type Body =
  | { kind: 'json'; value: Value }
  | { kind: 'raw'; text: string; contentType: string }
  | { kind: 'multipart'; parts: MultipartPart[] };

/** Someone the route has not yet turned away (401 or 403), the n-th of them, chosen when the request is sent. */
export class Admitted {
  constructor(readonly n: number) {}
}

export interface FuzzRequest {
  /** `METHOD /path/{param}` as in the document. */
  route: string;
  caller: string | Admitted;
  /** The bearer token a `forged` caller sends. */
  forgedToken: string;
  path: Record<string, string | Known | Raw>;
  query: [string | Raw, string | Known | Raw][];
  headers: Record<string, string>;
  body?: Body;
}

/** A request as sent: its caller chosen, its known ids looked up. */
export type SentRequest = Omit<FuzzRequest, 'caller' | 'path' | 'query'> & {
  caller: string;
  path: Record<string, string | Raw>;
  query: [string | Raw, string | Raw][];
};

/** The text with each lone surrogate as U+FFFD, as its UTF-8 has it: what a URL can carry. */
export const wellFormed = (text: string) => text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');

/** Text that has broken services before: patterns, SQL and LIKE wildcards, paths, control and odd Unicode, formulas, markup, dates. */
const HOSTILE_TEXT = [
  '', ' ', '(', ')', '[', '([', ']', '{', '}', '\\', '$', '^', '*', '+', '?', '|', '.*', '$&', '$1', '\\1', '[^]', '(?<n>a)', '\\u{', '(a+)+$', '^(a|a)*$',
  `(${'.*'.repeat(40)})x`, `${'a'.repeat(40)}!`,
  "'", '"', '`', "' OR '1'='1", "'; DROP TABLE findings; --", '%', '_', '%%', '\\%', '%_%', '100%', "%' OR 1=1 --", '/*', '*/', ';',
  '../../../../etc/passwd', '..\\..\\windows\\win.ini', '/dev/zero', 'C:\\', '%2e%2e%2f', '..', '.', '~', 'a/b', 'CON', 'nul',
  '\u0000', 'a\u0000b', '\r\n', '\n', '\t', '\u0007', '\u007f', '\u2028', '\u202e', '\ufeff', '\u200b', 'e\u0301', '😀', '👨‍👩‍👧‍👦', '\ud800', '\udfff', '𠜎', '病区巡查',
  '=1+1', '+1', '-1', '@SUM(A1)', '=HYPERLINK("http://x")', '\t=1', '\r=1',
  '<script>alert(1)</script>', '<img src=x onerror=alert(1)>', ']]>', '{{7*7}}', '${7*7}', '%s%n%x',
  'undefined', 'null', 'NaN', 'Infinity', 'true', '-0', '1e309', '0x10', '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf',
  '2026-02-30', '2026-13-01', '0000-00-00', '9999-12-31', '2026-11-24T25:61:61Z', '-271821-04-20', '+275760-09-13T00:00:00.000Z', '2026-11', '2026-00', '1970-01-01T00:00:00Z',
  '00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff', '00000000-0000-4000-8000-00000000000', '{00000000-0000-4000-8000-000000000000}',
  'http://127.0.0.1/', 'http://169.254.169.254/latest/meta-data/', 'http://[::1]/', 'http://localhost:22/', 'http://0x7f.1/', 'http://2130706433/',
  'file:///etc/passwd', 'javascript:alert(1)', 'http://user:pass@93.184.216.34/', 'http://[fe80::1%25eth0]/', 'http://a..b.invalid/', 'http://-x-.invalid/',
];

/** Keys a body or query string should never have: prototype keys, patterns, server-owned fields, very long ones. */
const HOSTILE_KEYS = [
  '__proto__', 'constructor', 'prototype', '(', '([', '[', '\\', '.*', `(${'.*'.repeat(30)})x`, '$where', 'a.b', 'a[0]', '', ' ', '\u0000', '😀',
  'id', 'state', 'version', 'createdAt', 'createdBy', 'updatedAt', 'closedAt', 'roles', 'passwordHash', 'tokenVersion', 'seq', 'hash', 'actorId',
];

const LONG_LENGTHS = [201, 2_001, 4_001, 70_000];

const hostileText = fc.constantFrom(...HOSTILE_TEXT);

/** Text of every kind: random Unicode (lone surrogates too), hostile snippets, and both glued together. */
const anyText: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: hostileText },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.tuple(fc.string({ maxLength: 10 }), hostileText, fc.string({ unit: 'grapheme', maxLength: 10 })).map((parts) => parts.join('')) },
  { weight: 1, arbitrary: fc.tuple(hostileText, fc.constantFrom(...LONG_LENGTHS)).map(([unit, length]) => longText(unit, length)) },
);

/** Over the body limit (1 MiB): refused before any parsing. Kept rare, it is slow to send. */
const hugeText = hostileText.map((unit) => longText(unit, 1_100_000));

function longText(unit: string, length: number): string {
  const filler = unit.length > 0 ? unit : 'a';
  return filler.repeat(Math.ceil(length / filler.length)).slice(0, length);
}

const anyKey: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...HOSTILE_KEYS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
  { weight: 1, arbitrary: fc.constantFrom(1_000, 10_000, 100_000).map((length) => longText('(k', length)) },
);

const anyNumber: fc.Arbitrary<number> = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, -0, -1, 0.5, 1e308, -1e308, 2 ** 53, 2 ** 31, 5e-324, 1e21),
);

/** Builds an object from entries, so that `__proto__` becomes an own key and is sent, not the prototype changed. */
const objectOf = (entries: [string, Value][]): Value => Object.fromEntries(entries) as Value;

/** Any JSON with hostile keys and values, nested arrays and objects, numbers where text belongs. */
const anyJson: fc.Arbitrary<Value> = fc.letrec<{ value: Value }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    anyText,
    anyNumber,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.array(fc.tuple(anyKey, tie('value')), { maxLength: 4 }).map(objectOf),
  ),
})).value;

/** Bodies that are not JSON objects at all, or not JSON. */
const rawBody = fc.oneof(
  fc.constantFrom(
    { text: '{', contentType: 'application/json' },
    { text: '{"a":', contentType: 'application/json' },
    { text: '{"a":1,}', contentType: 'application/json' },
    { text: "{'a':1}", contentType: 'application/json' },
    { text: 'null', contentType: 'application/json' },
    { text: '"text"', contentType: 'application/json' },
    { text: '123', contentType: 'application/json' },
    { text: '[]', contentType: 'application/json' },
    { text: '[{"type":"ASSIGN"}]', contentType: 'application/json' },
    { text: '{"__proto__":{"admin":true}}', contentType: 'application/json' },
    { text: '{"constructor":{"prototype":{"admin":true}}}', contentType: 'application/json' },
    { text: '{"a":1,"a":2}', contentType: 'application/json' },
    { text: '\ufeff{}', contentType: 'application/json' },
    { text: '{"a":"\\ud800"}', contentType: 'application/json' },
    { text: '{"a":1e999999}', contentType: 'application/json' },
    { text: `${'['.repeat(100_000)}${']'.repeat(100_000)}`, contentType: 'application/json' },
    { text: `${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`, contentType: 'application/json' },
    { text: 'a=1&b=2', contentType: 'application/x-www-form-urlencoded' },
    { text: '<x/>', contentType: 'application/xml' },
    { text: '{}', contentType: 'text/plain' },
    { text: '{}', contentType: 'application/json; charset=utf-16' },
    { text: '{}', contentType: 'multipart/form-data' },
    { text: '--x\r\nContent-Disposition: form-data; name="file"\r\n\r\nabc\r\n--x--\r\n', contentType: 'multipart/form-data; boundary=x' },
  ),
  anyJson.map((value) => ({ text: JSON.stringify(value) ?? 'null', contentType: 'text/plain' })),
);

/** The calendar day `days` from today, as YYYY-MM-DD. */
export const day = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

/** A real day within a few weeks of today. */
const nearDate = fc.integer({ min: -20, max: 40 }).map(day);

/** Dates people type: valid ones around now, impossible ones, far ones, other formats. */
const dateText: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: -400, max: 400 }).map(day) },
  { weight: 1, arbitrary: fc.integer({ min: -24, max: 6 }).map((months) => new Date(Date.now() + months * 30 * 86_400_000).toISOString().slice(0, 7)) },
  { weight: 1, arbitrary: fc.date({ noInvalidDate: true }).map((date) => date.toISOString()) },
  { weight: 2, arbitrary: hostileText },
);

/**
 * http(s) URLs, many of them pointing inside, with credentials, or not URLs at all. Names are under
 * `.invalid`, which never resolves: the service looks a webhook's host up, and the test stays off the Internet.
 */
const urlText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('http://93.184.216.34/hook', 'https://93.184.216.34:8443/a?b=c#d', 'http://[2606:2800:220:1:248:1893:25c8:1946]/', 'http://10.0.0.1/', 'http://localhost/'),
  fc.webUrl({ withQueryParameters: true, withFragments: true }).map((url) => url.replace(/^(https?:\/\/)([^/:?#]+)/, (_, scheme: string, host: string) => `${scheme}${host}.invalid`)),
  hostileText.map((text) => `http://93.184.216.34/${text}`),
  hostileText,
);

/** Strings that follow a schema's pattern, or break it. */
const matching = (pattern: string): fc.Arbitrary<string> => fc.oneof({ weight: 3, arbitrary: fc.stringMatching(new RegExp(pattern)) }, { weight: 1, arbitrary: anyText });

/** Which pool a field or parameter's id comes from, by its name; a `strict` value takes the kind the field asks for. */
const POOL_OF_FIELD: [RegExp, string, string][] = [
  [/department/i, 'departments', 'departments'],
  [/attachment/i, 'attachments', 'attachments'],
  [/^roundId$/, 'rounds', 'rounds'],
  [/^(entityId|id)$/, 'findings', 'findings'],
  [/lead/i, 'people', 'leads'],
  [/user|member/i, 'people', 'inspectors'],
  [/actor/i, 'people', 'people'],
];

/** Which pool a path parameter comes from, by the segment before it. */
const POOL_OF_SEGMENT: Record<string, string> = {
  users: 'spareUsers',
  devices: 'spareDevices',
  deliveries: 'deliveries',
  results: 'itemCodes',
};

const known = (pool: string) => fc.nat({ max: 999 }).map((n) => new Known(pool, n));

/** A UUID for the field: mostly a known one of the right kind, else a valid unknown one or not a UUID at all. */
const idFor = (pool: string): fc.Arbitrary<string | Known> =>
  fc.oneof(
    { weight: 6, arbitrary: known(pool) },
    { weight: 1, arbitrary: fc.uuid() },
    { weight: 1, arbitrary: fc.oneof(hostileText, fc.uuid().map((id) => id.toUpperCase().replace(/-/g, ''))) },
  );

/** Text a field takes (not blank), hostile in every other way. */
const validText = anyText.filter((text) => text.trim().length > 0);

const pastMonth = fc.integer({ min: 1, max: 24 }).map((back) => {
  const date = new Date();
  date.setUTCDate(1);
  date.setUTCMonth(date.getUTCMonth() - back);
  return date.toISOString().slice(0, 7);
});

/**
 * Turns a document's schemas into arbitraries of values that follow them, with hostile text
 * wherever text goes. A `strict` one keeps to what validation takes (enums, known ids of the right
 * kind, real dates, lengths, optional fields mostly left out), so its requests reach the services.
 */
class SchemaValues {
  constructor(
    private readonly document: OpenAPIObject,
    private readonly strict: boolean,
  ) {}

  of(schemaOrRef: SchemaObject | ReferenceObject, name = '', depth = 0): fc.Arbitrary<Value> {
    const schema = this.resolve(schemaOrRef);
    if (depth > 4) return fc.constant(null);
    if (schema.oneOf) return fc.oneof(...schema.oneOf.map((option) => this.of(option, name, depth + 1)));
    if (schema.allOf) return this.of(schema.allOf[0], name, depth + 1);
    if (schema.enum) {
      const valid = fc.constantFrom(...(schema.enum as Value[]));
      return this.strict ? valid : fc.oneof({ weight: 8, arbitrary: valid }, { weight: 1, arbitrary: anyText });
    }
    switch (schema.type) {
      case 'object':
        return this.object(schema, depth);
      case 'array': {
        const items = schema.items ? this.of(schema.items, name, depth + 1) : anyJson;
        const lengths = { minLength: Math.min(schema.minItems ?? 0, 2), maxLength: Math.min(schema.maxItems ?? 2, 2) };
        return this.strict && schema.uniqueItems ? fc.uniqueArray(items, { ...lengths, selector: (item) => JSON.stringify(item) }) : fc.array(items, lengths);
      }
      case 'string':
        return this.text(schema, name);
      case 'number':
      case 'integer': {
        const min = Math.ceil(schema.minimum ?? (this.strict ? 0 : -5));
        const max = Math.floor(schema.maximum ?? min + (this.strict ? 10 : 100));
        const whole = fc.integer({ min, max });
        return this.strict
          ? whole
          : fc.oneof({ weight: 3, arbitrary: whole }, { weight: 1, arbitrary: fc.double({ min: schema.minimum ?? -10, max: schema.maximum ?? 1000, noNaN: true }) }, { weight: 1, arbitrary: anyNumber });
      }
      case 'boolean':
        return fc.boolean();
      default:
        return anyJson;
    }
  }

  /** The object's own fields: the required ones always, the others now and then (strict: seldom). */
  private object(schema: SchemaObject, depth: number): fc.Arbitrary<Value> {
    const properties = Object.entries(schema.properties ?? {});
    if (properties.length === 0) return fc.constant({});
    const required = schema.required ?? [];
    const absent = fc.constant(undefined);
    const fields = properties.map(([key, property]) => {
      const value = this.of(property, key, depth + 1);
      return required.includes(key) ? value : fc.oneof({ weight: this.strict ? 3 : 1, arbitrary: absent }, { weight: 1, arbitrary: value });
    });
    return fc.tuple(...fields).map((values) => objectOf(properties.flatMap(([key], i) => (values[i] === undefined ? [] : [[key, values[i]] as [string, Value]]))));
  }

  private text(schema: SchemaObject, name: string): fc.Arbitrary<Value> {
    const [, loose, strict] = POOL_OF_FIELD.find(([pattern]) => pattern.test(name)) ?? [, 'any', 'any'];
    // An id field the document leaves without a format (a custom validator) is known by its name.
    if (schema.format === 'uuid' || /Ids?$/.test(name)) return this.strict ? (name === 'id' ? fc.uuid() : known(strict)) : idFor(loose);
    if (schema.format === 'uri') return this.strict ? hostileText.map((text) => `http://93.184.216.34/${encodeURIComponent(wellFormed(text))}`) : urlText;
    if (/month/i.test(name) && this.strict) return pastMonth;
    if (schema.format === 'date' || /date|deadline|scheduled|month|From$|To$|^(from|to)$/i.test(name)) return this.strict ? nearDate : dateText;
    if (schema.pattern) return this.strict ? fc.stringMatching(new RegExp(schema.pattern)) : matching(schema.pattern);
    if (/password/i.test(name)) return this.strict ? fc.uuid().map((id) => `Pw-${id}`) : fc.oneof(anyText, fc.string({ minLength: 12, maxLength: 40 }));
    const limit = schema.maxLength;
    if (this.strict) return validText.map((text) => text.slice(0, limit ?? 200)).filter((text) => text.trim().length > 0);
    return limit === undefined ? anyText : fc.oneof({ weight: 4, arbitrary: anyText.map((text) => text.slice(0, limit)) }, { weight: 1, arbitrary: anyText });
  }

  resolve(schemaOrRef: SchemaObject | ReferenceObject): SchemaObject {
    if (!('$ref' in schemaOrRef)) return schemaOrRef;
    const name = schemaOrRef.$ref.replace('#/components/schemas/', '');
    return this.document.components!.schemas![name] as SchemaObject;
  }
}

/** One schema-following value with one field made wrong: another type, a hostile key added, a required field taken out. */
function mutated(valid: fc.Arbitrary<Value>): fc.Arbitrary<Value> {
  return fc.tuple(valid, fc.nat(), fc.oneof(anyJson, anyNumber, fc.constant(null), fc.array(anyText, { maxLength: 3 })), anyKey, fc.nat(2)).map(([value, pick, wrong, key, how]) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Known) return wrong;
    const entries = Object.entries(value);
    if (how === 0 || entries.length === 0) return objectOf([...entries, [key, wrong]]);
    const index = pick % entries.length;
    if (how === 1) return objectOf(entries.map(([name, old], i) => [name, i === index ? wrong : old]));
    return objectOf(entries.filter((_, i) => i !== index));
  });
}

export interface Operation {
  route: string;
  method: string;
  path: string;
  operation: OperationObject;
}

/** Every operation in the document. */
export function operationsOf(document: OpenAPIObject): Operation[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    (['get', 'post', 'put', 'patch', 'delete'] as const)
      .filter((method) => item[method])
      .map((method) => {
        const operation = item[method]!;
        return { route: `${method.toUpperCase()} ${path}`, method, path, operation };
      }),
  );
}

/**
 * Operations whose JSON body the document leaves without fields (directly, or in one of its
 * `oneOf` choices): the fuzz follows a schema only as far as the document describes it.
 */
export function undescribedBodies(document: OpenAPIObject, operations: Operation[]): string[] {
  const values = new SchemaValues(document, true);
  return operations
    .filter(({ operation: { requestBody } }) => {
      const schema = requestBody && 'content' in requestBody ? requestBody.content['application/json']?.schema : undefined;
      if (!schema) return false;
      const resolved = values.resolve(schema);
      return (resolved.oneOf ?? [resolved]).some((choice) => Object.keys(values.resolve(choice).properties ?? {}).length === 0);
    })
    .map((operation) => operation.route);
}

/** Header values Node sends: visible ASCII. */
const headerText = anyText.map((text) => text.replace(/[^\x20-\x7e]/g, '').slice(0, 300));

/**
 * The requests for one operation, as `callers` (plus anonymous and a forged token). Half keep
 * close to what the document says (`strict` values, documented parameters only, someone the route
 * admits), so they reach the services; the rest break it every way. `files` are sample contents
 * for multipart uploads, made ahead since an arbitrary cannot wait for them.
 */
export function requestsFor(document: OpenAPIObject, operation: Operation, callers: string[], files: Buffer[]): fc.Arbitrary<FuzzRequest> {
  const close = new RequestValues(document, operation, callers, files, true).request();
  const loose = new RequestValues(document, operation, callers, files, false).request();
  return fc.oneof(close, loose);
}

class RequestValues {
  private readonly values: SchemaValues;
  private readonly parameters: ParameterObject[];

  constructor(
    private readonly document: OpenAPIObject,
    private readonly operation: Operation,
    private readonly callers: string[],
    private readonly files: Buffer[],
    private readonly strict: boolean,
  ) {
    this.values = new SchemaValues(document, strict);
    this.parameters = (operation.operation.parameters ?? []).map((p) => p as ParameterObject);
  }

  request(): fc.Arbitrary<FuzzRequest> {
    const { strict, callers } = this;
    // Mostly someone the route admits, so requests reach the services; else anyone, a forged token or nobody.
    const admitted = fc.nat(999).map((n) => new Admitted(n));
    const caller = strict ? admitted : fc.oneof({ weight: 3, arbitrary: admitted }, { weight: 1, arbitrary: fc.constantFrom(...callers, 'anonymous', 'forged') });
    const forgedToken = fc.oneof(headerText, fc.constantFrom('eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiIsInJvbGVzIjpbImFkbWluIl19.', 'trd_', `trd_${'A'.repeat(43)}`, 'null', ''));
    return fc
      .record({ caller, forgedToken, path: this.path(), query: this.query(), headers: this.headers(), body: this.body() })
      .map((parts) => ({ route: this.operation.route, ...parts }) as FuzzRequest);
  }

  private path(): fc.Arbitrary<Record<string, string | Known | Raw>> {
    const segments = this.operation.path.split('/');
    const raw = fc.constantFrom('%', '%zz', '%00', '..', '.', '%2F', '%2e%2e', ';', '%C0%AF').map((text) => new Raw(text));
    return fc.record(
      Object.fromEntries(
        this.parameters
          .filter((p) => p.in === 'path')
          .map((p) => {
            const segment = segments[segments.indexOf(`{${p.name}}`) - 1];
            const id = known(POOL_OF_SEGMENT[segment] ?? segment);
            const value = this.strict ? id : fc.oneof({ weight: 8, arbitrary: id }, { weight: 1, arbitrary: fc.uuid() }, { weight: 2, arbitrary: anyText }, { weight: 1, arbitrary: raw });
            return [p.name, value];
          }),
      ),
    );
  }

  /** The documented parameters (strict: now and then each), and else extra and repeated keys and malformed pairs. */
  private query(): fc.Arbitrary<[string | Raw, string | Known | Raw][]> {
    const documented = this.parameters.filter((p) => p.in === 'query');
    const pair = (p: ParameterObject) =>
      this.values.of(p.schema ?? {}, p.name).map((value): [string, string | Known] => [p.name, value instanceof Known || typeof value === 'string' ? value : JSON.stringify(value)]);
    const own = fc.tuple(...documented.map((p) => fc.option(pair(p), { freq: this.strict ? 3 : 2 }))).map((pairs) => pairs.filter((p) => p !== null));
    if (this.strict) return own;
    const extra = fc.array(fc.tuple(fc.oneof(anyKey, fc.constantFrom(...documented.map((p) => p.name), 'x')), anyText), { maxLength: 2 });
    const malformed = fc.array(fc.constantFrom('%', '%zz', 'a[b]=c', 'a[]=1&a[]=2', '&&&', '=', '=x', 'x', '%00=%00', '__proto__[x]=1').map((text): [Raw, Raw] => [new Raw(text), new Raw('')]), { maxLength: 1 });
    return fc.tuple(own, extra, malformed, fc.nat(4)).map(([pairs, more, odd, pick]) => [...pairs, ...(pick === 0 ? [...more, ...odd] : [])]);
  }

  private headers(): fc.Arbitrary<Record<string, string>> {
    const ifMatch = this.parameters.some((p) => p.in === 'header' && p.name === 'If-Match');
    const absent = fc.constant(undefined);
    const sometimes = (value: fc.Arbitrary<string>) => fc.oneof({ weight: 3, arbitrary: absent }, { weight: 1, arbitrary: value });
    const version = fc.oneof(fc.nat(30).map(String), fc.constantFrom('"3"', 'W/"2"', '*', '99999999999999999999', '-1', '1.5'), headerText);
    const key = this.strict ? fc.uuid() : fc.oneof(fc.uuid(), headerText);
    return fc
      .record({ ifMatch: ifMatch && !this.strict ? sometimes(version) : absent, key: this.operation.method === 'post' ? sometimes(key) : absent })
      .map(({ ifMatch: version, key: idempotencyKey }) => ({ ...(version !== undefined && { 'If-Match': version }), ...(idempotencyKey !== undefined && { 'Idempotency-Key': idempotencyKey }) }));
  }

  private body(): fc.Arbitrary<Body | undefined> {
    const { requestBody } = this.operation.operation;
    const content = requestBody && 'content' in requestBody ? requestBody.content : undefined;
    const schema = content?.['application/json']?.schema;
    const json = (value: Value): Body => ({ kind: 'json', value });
    const raw = rawBody.map((text): Body => ({ kind: 'raw', ...text }));
    if (content?.['multipart/form-data']) return multipart(this.files, this.strict);
    if (!schema) return this.strict ? fc.constant(undefined) : fc.oneof({ weight: 6, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: anyJson.map(json) }, { weight: 1, arbitrary: raw });
    const valid = this.values.of(schema);
    if (this.strict) return valid.map(json);
    const huge = fc.constantFrom('text', 'key').chain((where) => hugeText.map((text) => (where === 'text' ? { text } : { [text.slice(0, 70_000)]: text.slice(0, 1_000) })));
    return fc.oneof(
      { weight: 6, arbitrary: valid.map(json) },
      { weight: 4, arbitrary: mutated(valid).map(json) },
      { weight: 2, arbitrary: anyJson.map(json) },
      { weight: 1, arbitrary: raw },
      { weight: 1, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: huge.map(json) },
    );
  }
}

/** Uploads: the file under its name or another, names with paths and control characters, several files, odd fields; strict: one good file. */
function multipart(files: Buffer[], strict: boolean): fc.Arbitrary<Body | undefined> {
  const sample = fc.constantFrom(...files);
  if (strict) {
    const extension = (content: Buffer) => (content[0] === 0x89 ? 'png' : content[0] === 0xff ? 'jpg' : 'pdf');
    const name = validText.map((text) => text.replace(/[\\/\u0000-\u001f\u007f"]/g, '').slice(0, 100));
    return fc.tuple(sample, name, fc.option(nearDate)).map(([content, stem, effectiveDate]) => ({
      kind: 'multipart',
      parts: [...(effectiveDate ? [{ name: 'effectiveDate', content: effectiveDate }] : []), { name: 'file', filename: `${stem}.${extension(content)}`, content }],
    }));
  }
  const filename = fc.oneof({ weight: 3, arbitrary: fc.constantFrom('photo.png', 'scan.pdf', 'IMG_0001.JPG', 'notes.docx', 'a') }, { weight: 3, arbitrary: anyText }, { weight: 1, arbitrary: fc.constant(undefined) });
  const fileContent = fc.oneof(
    { weight: 4, arbitrary: sample },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 2_000 }).map((bytes) => Buffer.from(bytes)) },
    { weight: 1, arbitrary: fc.constantFrom(Buffer.alloc(0), Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), Buffer.from('MZ\x90\x00')) },
  );
  const filePart = fc.record({
    name: fc.oneof({ weight: 6, arbitrary: fc.constant('file') }, { weight: 1, arbitrary: anyKey }),
    filename,
    contentType: fc.option(fc.oneof(fc.constantFrom('image/png', 'image/jpeg', 'application/pdf', 'text/html', 'application/x-msdownload'), headerText)),
    content: fileContent,
  });
  const field = fc.record({ name: fc.oneof(fc.constant('effectiveDate'), anyKey), content: fc.oneof(dateText, anyText) });
  const parts = fc.tuple(fc.array(filePart, { maxLength: 2 }), fc.array(field, { maxLength: 3 })).map(
    ([fileParts, fields]): Body => ({
      kind: 'multipart',
      parts: [...fields, ...fileParts.map((part) => ({ ...part, contentType: part.contentType ?? undefined }))],
    }),
  );
  return fc.oneof({ weight: 8, arbitrary: parts }, { weight: 1, arbitrary: anyJson.map((value): Body => ({ kind: 'json', value })) }, { weight: 1, arbitrary: rawBody.map((raw): Body => ({ kind: 'raw', ...raw })) });
}
