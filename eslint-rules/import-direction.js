/**
 * momentic/import-direction: the layering of DESIGN.md's folders, checked on every relative
 * import, re-export and dynamic import between top-level folders of src/. Each folder lists the
 * folders it may reach; anything else (and any folder the matrix does not know) is an error.
 * In words:
 * - core imports nothing; calendar and config only core (and calendar);
 * - analytics and strategies stay pure: core, calendar, analytics and the strategy API (strategies
 *   also reach ml/, whose models ml-signal scores; ml/ must not
 *   import strategies back);
 * - the engine (the kernel every mode shares) reaches no venue, no simulated exchange, no
 *   store and no orchestration: it knows ports only;
 * - venues never import strategies; execution and the store implement engine ports;
 * - nothing below orchestration reaches orchestration, server or cli; only orchestration,
 *   cli and server (and venues itself) import the venue registry.
 */
import path from 'node:path';

const PURE = ['core', 'calendar'];
const DOMAIN = [...PURE, 'config', 'data', 'analytics', 'strategies', 'portfolio', 'risk', 'engine', 'execution'];
const BELOW_ORCHESTRATION = [...DOMAIN, 'venues', 'store', 'backtest', 'ml', 'universe'];

export const ALLOWED = {
  core: [],
  calendar: ['core'],
  config: [...PURE],
  data: [...PURE, 'config'],
  analytics: [...PURE],
  strategies: [...PURE, 'analytics', 'ml'],
  portfolio: [...PURE],
  risk: [...PURE, 'config', 'portfolio', 'engine'],
  engine: [...PURE, 'analytics', 'strategies', 'portfolio'],
  execution: [...PURE, 'portfolio', 'engine'],
  venues: [...PURE, 'config', 'data', 'engine'],
  store: [...PURE, 'config', 'portfolio', 'engine'],
  backtest: [...DOMAIN, 'store'],
  ml: [...PURE, 'config', 'data', 'analytics'],
  universe: [...PURE, 'config', 'data', 'analytics', 'venues'],
  orchestration: BELOW_ORCHESTRATION,
  server: [...BELOW_ORCHESTRATION, 'orchestration'],
  cli: [...BELOW_ORCHESTRATION, 'orchestration', 'server'],
};
const REGISTRY_USERS = new Set(['orchestration', 'cli', 'server', 'venues']);

/** The src/ topic of an absolute path, and the path inside src/. */
function topicOf(file) {
  const norm = file.split(path.sep).join('/');
  const i = norm.lastIndexOf('/src/');
  if (i < 0) return undefined;
  const rest = norm.slice(i + 5);
  const slash = rest.indexOf('/');
  return slash < 0 ? { topic: '', rest } : { topic: rest.slice(0, slash), rest };
}

export default {
  meta: {
    type: 'problem',
    docs: { description: "enforce the import direction between src/ folders (DESIGN.md's layout)" },
    schema: [],
    messages: {
      notAllowed: "src/{{from}}/ may import only {{allowed}}; '{{source}}' reaches src/{{to}}/",
      unknownFolder:
        'src/{{from}}/ is not in the import-direction matrix: add it to eslint-rules/import-direction.js with the folders it may import',
      registry: "only orchestration/, cli/ and server/ may import the venue registry ('{{source}}')",
    },
  },
  create(context) {
    const here = topicOf(context.filename);
    if (here === undefined || here.topic === '') return {};
    const allowed = ALLOWED[here.topic];
    const check = (node, source) => {
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      const target = topicOf(path.resolve(path.dirname(context.filename), source));
      if (target === undefined || target.topic === here.topic || target.topic === '') return;
      const data = {
        from: here.topic,
        to: target.topic,
        source,
        allowed: [...(allowed ?? []), here.topic].map((t) => `${t}/`).join(', '),
      };
      if (allowed === undefined) {
        context.report({ node, messageId: 'unknownFolder', data });
      } else if (!allowed.includes(target.topic)) {
        context.report({ node, messageId: 'notAllowed', data });
      } else if (
        target.topic === 'venues' &&
        /^venues\/(registry|index)(\.[jt]s)?$/.test(target.rest) &&
        !REGISTRY_USERS.has(here.topic)
      ) {
        context.report({ node, messageId: 'registry', data });
      }
    };
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
    };
  },
};
