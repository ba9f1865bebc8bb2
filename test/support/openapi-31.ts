/**
 * A checker of OpenAPI 3.1 documents, written from the specification
 * (https://spec.openapis.org/oas/v3.1.0, and its JSON Schema at
 * https://spec.openapis.org/oas/3.1/schema/2022-10-07): the fixed fields of each object and
 * nothing else (`x-` extensions apart), required fields, parameter and response rules, path
 * templates matched by path parameters, unique operation ids, security requirements naming
 * declared schemes, every local `$ref` resolving, and every Schema Object valid JSON Schema
 * 2020-12 (checked against the draft's meta-schema by ajv, the validator fastify itself ships).
 * Returns the problems found, each with its JSON pointer; none means valid.
 */
import { createRequire } from 'node:module';

type Json = Record<string, unknown>;

const fromFastify = createRequire(createRequire(import.meta.url).resolve('@fastify/ajv-compiler'));
const Ajv2020 = (fromFastify('ajv/dist/2020') as { default: new (o: object) => AjvLike }).default;
interface AjvLike {
  validateSchema(schema: unknown): boolean;
  errors?: { instancePath: string; message?: string }[] | null;
}

const FIELDS = {
  root: ['openapi', 'info', 'jsonSchemaDialect', 'servers', 'paths', 'webhooks', 'components', 'security', 'tags', 'externalDocs'],
  info: ['title', 'summary', 'description', 'termsOfService', 'contact', 'license', 'version'],
  pathItem: ['$ref', 'summary', 'description', 'servers', 'parameters', 'get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'],
  operation: ['tags', 'summary', 'description', 'externalDocs', 'operationId', 'parameters', 'requestBody', 'responses', 'callbacks', 'deprecated', 'security', 'servers'],
  parameter: ['name', 'in', 'description', 'required', 'deprecated', 'allowEmptyValue', 'style', 'explode', 'allowReserved', 'schema', 'example', 'examples', 'content'],
  requestBody: ['description', 'content', 'required'],
  mediaType: ['schema', 'example', 'examples', 'encoding'],
  response: ['description', 'headers', 'content', 'links'],
  components: ['schemas', 'responses', 'parameters', 'examples', 'requestBodies', 'headers', 'securitySchemes', 'links', 'callbacks', 'pathItems'],
  securityScheme: ['type', 'description', 'name', 'in', 'scheme', 'bearerFormat', 'flows', 'openIdConnectUrl'],
} as const; // prettier-ignore

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const esc = (k: string): string => k.replaceAll('~', '~0').replaceAll('/', '~1');

export function checkOpenApi31(doc: unknown): string[] {
  const problems: string[] = [];
  const ajv = new Ajv2020({ strict: false, validateFormats: false });
  const bad = (at: string, what: string): void => {
    problems.push(`${at || '/'}: ${what}`);
  };
  const fields = (o: unknown, at: string, allowed: readonly string[], required: readonly string[] = []): o is Json => {
    if (!isObj(o)) {
      bad(at, 'must be an object');
      return false;
    }
    for (const k of Object.keys(o))
      if (!k.startsWith('x-') && !allowed.includes(k)) bad(`${at}/${esc(k)}`, 'is not a field of this object');
    for (const k of required) if (o[k] === undefined) bad(at, `lacks required field "${k}"`);
    return true;
  };
  /** A field that must be a string when present (required fields are checked apart). */
  const str = (v: unknown, at: string): void => {
    if (v !== undefined && typeof v !== 'string') bad(at, 'must be a string');
  };
  const schema = (s: unknown, at: string): void => {
    if (typeof s === 'boolean') return;
    if (!isObj(s)) return bad(at, 'a Schema Object must be an object or a boolean');
    if (!ajv.validateSchema(s)) {
      for (const e of ajv.errors ?? []) bad(`${at}${e.instancePath}`, `not JSON Schema 2020-12: ${e.message ?? ''}`);
    }
    walkNullable(s, at);
  };
  const walkNullable = (s: unknown, at: string): void => {
    if (Array.isArray(s)) return s.forEach((x, i) => walkNullable(x, `${at}/${i}`));
    if (!isObj(s)) return;
    if ('nullable' in s) bad(`${at}/nullable`, 'is OpenAPI 3.0 only: 3.1 writes type: [T, "null"]');
    for (const [k, v] of Object.entries(s)) if (k !== 'properties') walkNullable(v, `${at}/${esc(k)}`);
    if (isObj(s.properties))
      for (const [k, v] of Object.entries(s.properties)) walkNullable(v, `${at}/properties/${esc(k)}`);
  };
  const content = (c: unknown, at: string): void => {
    if (!isObj(c)) return bad(at, 'content must be an object');
    for (const [type, m] of Object.entries(c)) {
      if (!/^[\w.+*-]+\/[\w.+*-]+/.test(type)) bad(`${at}/${esc(type)}`, 'is not a media range');
      if (fields(m, `${at}/${esc(type)}`, FIELDS.mediaType) && m.schema !== undefined)
        schema(m.schema, `${at}/${esc(type)}/schema`);
    }
  };
  const parameter = (p: unknown, at: string): Json | undefined => {
    if (isObj(p) && p.$ref !== undefined) return undefined;
    if (!fields(p, at, FIELDS.parameter, ['name', 'in'])) return undefined;
    str(p.name, `${at}/name`);
    if (!['query', 'header', 'path', 'cookie'].includes(String(p.in)))
      bad(`${at}/in`, 'must be query, header, path or cookie');
    if ((p.schema === undefined) === (p.content === undefined)) bad(at, 'needs exactly one of schema and content');
    if (p.schema !== undefined) schema(p.schema, `${at}/schema`);
    if (p.in === 'path' && p.required !== true) bad(`${at}/required`, 'a path parameter must be required: true');
    if (p.required !== undefined && typeof p.required !== 'boolean') bad(`${at}/required`, 'must be a boolean');
    return p;
  };
  const security = (list: unknown, at: string, schemes: Json): void => {
    if (!Array.isArray(list)) return bad(at, 'must be an array');
    list.forEach((req, i) => {
      if (!isObj(req)) return bad(`${at}/${i}`, 'must be an object');
      for (const name of Object.keys(req))
        if (schemes[name] === undefined) bad(`${at}/${i}/${esc(name)}`, 'names no declared security scheme');
    });
  };

  if (!fields(doc, '', FIELDS.root, ['openapi', 'info'])) return problems;
  if (typeof doc.openapi !== 'string' || !/^3\.1\.\d+(-.+)?$/.test(doc.openapi)) bad('/openapi', 'must be 3.1.x');
  if (fields(doc.info, '/info', FIELDS.info, ['title', 'version'])) {
    str(doc.info.title, '/info/title');
    str(doc.info.version, '/info/version');
  }
  if (doc.paths === undefined && doc.components === undefined && doc.webhooks === undefined) {
    bad('', 'needs paths, components or webhooks');
  }
  const components = isObj(doc.components) ? doc.components : {};
  if (doc.components !== undefined && fields(doc.components, '/components', FIELDS.components)) {
    for (const [kind, group] of Object.entries(doc.components)) {
      if (kind.startsWith('x-')) continue;
      if (!isObj(group)) {
        bad(`/components/${kind}`, 'must be an object');
        continue;
      }
      for (const name of Object.keys(group))
        if (!/^[a-zA-Z0-9._-]+$/.test(name)) bad(`/components/${kind}/${esc(name)}`, 'is not a valid component name');
    }
    if (isObj(components.schemas))
      for (const [n, s] of Object.entries(components.schemas)) schema(s, `/components/schemas/${esc(n)}`);
    if (isObj(components.securitySchemes)) {
      for (const [n, s] of Object.entries(components.securitySchemes)) {
        const at = `/components/securitySchemes/${esc(n)}`;
        if (!fields(s, at, FIELDS.securityScheme, ['type'])) continue;
        if (!['apiKey', 'http', 'mutualTLS', 'oauth2', 'openIdConnect'].includes(String(s.type)))
          bad(`${at}/type`, 'is not a scheme type');
        if (s.type === 'http' && typeof s.scheme !== 'string') bad(`${at}/scheme`, 'an http scheme needs scheme');
      }
    }
  }
  const schemes = isObj(components.securitySchemes) ? components.securitySchemes : {};
  if (doc.security !== undefined) security(doc.security, '/security', schemes);
  const operationIds = new Set<string>();
  if (doc.paths !== undefined && isObj(doc.paths)) {
    for (const [path, item] of Object.entries(doc.paths)) {
      const at = `/paths/${esc(path)}`;
      if (path.startsWith('x-')) continue;
      if (!path.startsWith('/')) bad(at, 'a path must start with /');
      if (!fields(item, at, FIELDS.pathItem)) continue;
      const templated = new Set([...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] as string));
      const shared = (Array.isArray(item.parameters) ? item.parameters : []).map((p, i) =>
        parameter(p, `${at}/parameters/${i}`),
      );
      for (const method of METHODS) {
        const op = item[method];
        if (op === undefined) continue;
        const oat = `${at}/${method}`;
        if (!fields(op, oat, FIELDS.operation)) continue;
        if (op.operationId !== undefined) {
          str(op.operationId, `${oat}/operationId`);
          if (operationIds.has(String(op.operationId))) bad(`${oat}/operationId`, 'is not unique');
          operationIds.add(String(op.operationId));
        }
        const params = [
          ...shared,
          ...(Array.isArray(op.parameters) ? op.parameters : []).map((p, i) => parameter(p, `${oat}/parameters/${i}`)),
        ];
        const seen = new Set<string>();
        for (const p of params) {
          if (p === undefined) continue;
          const key = `${String(p.in)}:${String(p.name)}`;
          if (seen.has(key)) bad(`${oat}/parameters`, `declares ${key} twice`);
          seen.add(key);
        }
        const inPath = new Set(params.filter((p) => p?.in === 'path').map((p) => String(p?.name)));
        for (const t of templated) if (!inPath.has(t)) bad(oat, `path template {${t}} has no path parameter`);
        for (const p of inPath) if (!templated.has(p)) bad(oat, `path parameter ${p} is not in the path template`);
        if (
          op.requestBody !== undefined &&
          fields(op.requestBody, `${oat}/requestBody`, FIELDS.requestBody, ['content'])
        ) {
          content(op.requestBody.content, `${oat}/requestBody/content`);
        }
        if (op.responses !== undefined && isObj(op.responses)) {
          for (const [code, r] of Object.entries(op.responses)) {
            const rat = `${oat}/responses/${esc(code)}`;
            if (code.startsWith('x-')) continue;
            if (code !== 'default' && !/^[1-5](?:[0-9]{2}|XX)$/.test(code))
              bad(rat, 'is not a status code, a 1XX-5XX range or default');
            if (isObj(r) && r.$ref !== undefined) continue;
            if (!fields(r, rat, FIELDS.response, ['description'])) continue;
            str(r.description, `${rat}/description`);
            if (r.content !== undefined) content(r.content, `${rat}/content`);
          }
        }
        if (op.security !== undefined) security(op.security, `${oat}/security`, schemes);
      }
    }
  }
  checkRefs(doc, doc, '', bad);
  return problems;
}

function checkRefs(root: Json, node: unknown, at: string, bad: (at: string, what: string) => void): void {
  if (Array.isArray(node)) return node.forEach((x, i) => checkRefs(root, x, `${at}/${i}`, bad));
  if (!isObj(node)) return;
  for (const [k, v] of Object.entries(node)) {
    if (k === '$ref' && typeof v === 'string' && v.startsWith('#')) {
      if (resolvePointer(root, v.slice(1)) === undefined) bad(`${at}/$ref`, `${v} resolves to nothing`);
    } else {
      checkRefs(root, v, `${at}/${esc(k)}`, bad);
    }
  }
}

function resolvePointer(root: unknown, pointer: string): unknown {
  if (pointer === '') return root;
  let cur: unknown = root;
  for (const raw of pointer.split('/').slice(1)) {
    const key = decodeURIComponent(raw).replaceAll('~1', '/').replaceAll('~0', '~');
    if (!isObj(cur) && !Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[key];
    if (cur === undefined) return undefined;
  }
  return cur;
}
