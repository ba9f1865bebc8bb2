/**
 * The WebSocket channels the server offers (fills, orders, equity, logs...), each with the role a
 * client needs to join it: the same access rule as the routes. Feeds register their channel
 * here; the WebSocket route asks `authorize` before it subscribes a client, and counts clients
 * in the metrics.
 */
import { InternalError, UsageError, type MomenticError } from '../core/errors.js';
import { allows, type Role } from './auth/roles.js';
import type { Principal } from './server-deps.js';

export interface Channel {
  readonly name: string;
  /** The least role that may join. */
  readonly access: Role;
  readonly description: string;
}

export class ChannelRegistry {
  readonly #channels = new Map<string, Channel>();

  register(channel: Channel): void {
    if (this.#channels.has(channel.name)) throw new InternalError(`channel ${channel.name} is registered twice`);
    this.#channels.set(channel.name, channel);
  }

  list(): Channel[] {
    return [...this.#channels.values()];
  }

  /** Why `who` may not join `name` (unknown channel, no token, role too low); undefined when it may. */
  authorize(name: string, who: Principal | undefined): MomenticError | undefined {
    const channel = this.#channels.get(name);
    if (channel === undefined) {
      return new UsageError('API_NOT_FOUND', `no channel "${name}"`, {
        hint: `channels: ${this.list()
          .map((c) => c.name)
          .join(', ')}`,
        context: { value: name },
      });
    }
    if (who === undefined) {
      return new UsageError('API_UNAUTHORIZED', `channel ${name} needs an API token`, {
        hint: 'send a token made by momentic tokens create',
        context: { value: name },
      });
    }
    if (!allows(who.role, channel.access)) {
      return new UsageError(
        'API_FORBIDDEN',
        `channel ${name} needs the ${channel.access} role; token ${who.tokenId} is ${who.role}`,
        {
          hint: `use a token with the ${channel.access} role`,
          context: { value: name, role: channel.access },
        },
      );
    }
    return undefined;
  }
}
