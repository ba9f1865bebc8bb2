/**
 * momentic/import-direction: the import direction of STYLE.md, checked on relative imports
 * between top-level folders of src/.
 * - core imports only core; calendar only core and calendar;
 * - analytics and strategies import only core, calendar (pure domain data, like core),
 *   analytics and (strategies) the strategy API;
 * - venues never import strategies;
 * - only orchestration, cli and server (and venues itself) import the venue registry.
 */
import path from 'node:path';

const ALLOWED = {
  core: ['core'],
  calendar: ['core', 'calendar'],
  analytics: ['core', 'calendar', 'analytics'],
  strategies: ['core', 'calendar', 'analytics', 'strategies'],
};
const FORBIDDEN = { venues: ['strategies'] };
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
    docs: { description: 'enforce the import direction between src/ folders (STYLE.md)' },
    schema: [],
    messages: {
      notAllowed: "src/{{from}}/ may import only {{allowed}}; '{{source}}' reaches src/{{to}}/",
      forbidden: "src/{{from}}/ must not import src/{{to}}/ ('{{source}}')",
      registry: "only orchestration/, cli/ and server/ may import the venue registry ('{{source}}')",
    },
  },
  create(context) {
    const here = topicOf(context.filename);
    if (here === undefined || here.topic === '') return {};
    const check = (node, source) => {
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      const target = topicOf(path.resolve(path.dirname(context.filename), source));
      if (target === undefined || target.topic === here.topic) return;
      const allowed = ALLOWED[here.topic];
      const data = { from: here.topic, to: target.topic, source, allowed: allowed?.map((t) => `${t}/`).join(', ') };
      if (allowed !== undefined && !allowed.includes(target.topic)) {
        context.report({ node, messageId: 'notAllowed', data });
      } else if (FORBIDDEN[here.topic]?.includes(target.topic)) {
        context.report({ node, messageId: 'forbidden', data });
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
