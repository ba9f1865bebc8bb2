/**
 * zod's parse options for a schema a process parses once or a few times (the configuration, a
 * run's settings, a strategy's parameters). On its first parse, zod compiles a fast path for each
 * object schema (generated code through `new Function`), which pays off over many parses of the
 * same schema, as a server's request bodies; for one parse it costs more than the parse itself
 * (a process that only loads the configuration ran about 15% fewer instructions without it).
 */
export const PARSE_ONCE = { jitless: true } as const;
