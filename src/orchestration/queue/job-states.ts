import type { Queue } from 'bullmq';

/**
 * BullMQ's job states of many jobs in one Redis call per `PER_CALL` ids, instead of one
 * `getJobState` script per job: the same checks in the same order as BullMQ's own getState
 * script (completed, failed, delayed, prioritized, active, waiting, waiting-children), with the
 * three lists read once per call into sets (its LPOS per job would scan them for every id).
 */
const SCRIPT = `
local rcall = redis.call
local function set(key)
  local s = {}
  for _, id in ipairs(rcall("LRANGE", key, 0, -1)) do s[id] = true end
  return s
end
local active = set(KEYS[4])
local wait = set(KEYS[5])
local paused = set(KEYS[6])
local out = {}
for i, id in ipairs(ARGV) do
  local s = "unknown"
  if rcall("ZSCORE", KEYS[1], id) then s = "completed"
  elseif rcall("ZSCORE", KEYS[2], id) then s = "failed"
  elseif rcall("ZSCORE", KEYS[3], id) then s = "delayed"
  elseif rcall("ZSCORE", KEYS[8], id) then s = "prioritized"
  elseif active[id] then s = "active"
  elseif wait[id] or paused[id] then s = "waiting"
  elseif rcall("ZSCORE", KEYS[7], id) then s = "waiting-children"
  end
  out[i] = s
end
return out
`;

const PER_CALL = 1000;

const KEYS = ['completed', 'failed', 'delayed', 'active', 'wait', 'paused', 'waiting-children', 'prioritized'];

/** The state of each job id, in order ('unknown' for a job the queue does not hold). */
export async function jobStates(queue: Queue, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  // ioredis under BullMQ's client interface, which does not declare EVAL.
  const client = (await queue.backend.client) as unknown as {
    eval(script: string, numKeys: number, ...args: string[]): Promise<unknown>;
  };
  const keys = KEYS.map((k) => queue.toKey(k));
  const out: string[] = [];
  for (let k = 0; k < ids.length; k += PER_CALL) {
    const part = ids.slice(k, k + PER_CALL);
    out.push(...((await client.eval(SCRIPT, keys.length, ...keys, ...part)) as string[]));
  }
  return out;
}
