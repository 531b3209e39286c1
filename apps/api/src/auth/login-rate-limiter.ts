// Throttles password guesses (sign-in and "change my password") in Redis, shared by every
// api instance. Two hard limits, both per client address, so nobody can lock someone else
// out: per address + account, and per address over all accounts. Check and count are one
// Lua script, so N concurrent guesses reach the password check at most `limit` times.
// Failures on one account from many addresses only slow that account's attempts down.
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { RedisService } from '../redis/redis.module.js';
import { clientAddressKey } from './client-address.js';
import { LoginThrottledException } from './login-throttled.filter.js';

/**
 * Delay once an account has WHARF_LOGIN_MAX_ATTEMPTS failures (from any addresses); it
 * doubles with every further WHARF_LOGIN_MAX_ATTEMPTS failures, up to the cap.
 */
const SLOWDOWN_BASE_MS = 250;
const SLOWDOWN_MAX_MS = 5_000;

// KEYS: the counters; ARGV: their limits, then the window in seconds. Refuses (returning
// the seconds until the refusing counter expires) when any counter is at its limit;
// otherwise counts the attempt on all of them and returns 0.
const RESERVE = `
for i, key in ipairs(KEYS) do
  if tonumber(redis.call('GET', key) or '0') >= tonumber(ARGV[i]) then
    local ttl = redis.call('TTL', key)
    if ttl < 1 then
      redis.call('EXPIRE', key, ARGV[#KEYS + 1])
      ttl = tonumber(ARGV[#KEYS + 1])
    end
    return ttl
  end
end
for _, key in ipairs(KEYS) do
  if redis.call('INCR', key) == 1 then redis.call('EXPIRE', key, ARGV[#KEYS + 1]) end
end
return 0`;

// KEYS[1]: address counter, KEYS[2]: address + account counter. A success gives back its
// own reservation on the address counter and clears the address + account counter.
const REFUND = `
if tonumber(redis.call('GET', KEYS[1]) or '0') > 0 then redis.call('DECR', KEYS[1]) end
redis.call('DEL', KEYS[2])
return 0`;

/** One reserved password check; report its outcome with `failed` or `succeeded`. */
export interface LoginAttempt {
  readonly addressKey: string;
  readonly addressAccountKey: string;
  readonly accountKey: string;
}

@Injectable()
export class LoginRateLimiter {
  constructor(
    private readonly redis: RedisService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Reserves a password check for `email` from `ip`, or throws LoginThrottledException (429).
   * Resolves after the account's slow-down delay, if its failures call for one. The answer
   * never depends on whether the account exists.
   */
  async begin(ip: string | null, email: string): Promise<LoginAttempt> {
    const address = encodeURIComponent(clientAddressKey(ip));
    const account = encodeURIComponent(email.toLowerCase());
    const attempt: LoginAttempt = {
      addressKey: this.redis.key('login', 'addr', address),
      addressAccountKey: this.redis.key('login', 'addr-acct', address, account),
      accountKey: this.redis.key('login', 'acct', account),
    };
    const refusedFor = Number(
      await this.redis.client.eval(
        RESERVE,
        2,
        attempt.addressKey,
        attempt.addressAccountKey,
        this.config.WHARF_LOGIN_MAX_ATTEMPTS_PER_ADDRESS,
        this.config.WHARF_LOGIN_MAX_ATTEMPTS,
        this.config.WHARF_LOGIN_WINDOW_SECONDS,
      ),
    );
    if (refusedFor > 0) throw new LoginThrottledException(refusedFor);
    const delay = this.slowdownMs(Number((await this.redis.client.get(attempt.accountKey)) ?? 0));
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    return attempt;
  }

  /** A wrong password: the reservation stays counted, and the account's failures grow. */
  async failed(attempt: LoginAttempt): Promise<void> {
    await this.redis.client
      .multi()
      .incr(attempt.accountKey)
      .expire(attempt.accountKey, this.config.WHARF_LOGIN_WINDOW_SECONDS, 'NX')
      .exec();
  }

  /** The right password: this attempt does not count, and the address + account slate is clean. */
  async succeeded(attempt: LoginAttempt): Promise<void> {
    await this.redis.client.eval(REFUND, 2, attempt.addressKey, attempt.addressAccountKey);
  }

  /** Forgets an account's failures over all addresses (after an administrator sets a new password). */
  async clearAccount(email: string): Promise<void> {
    await this.redis.client.del(this.redis.key('login', 'acct', encodeURIComponent(email.toLowerCase())));
  }

  /** Zero below the limit, then exponential in the failures beyond it. */
  private slowdownMs(accountFailures: number): number {
    const limit = this.config.WHARF_LOGIN_MAX_ATTEMPTS;
    if (accountFailures < limit) return 0;
    const doublings = Math.min((accountFailures - limit) / limit, 16);
    return Math.min(SLOWDOWN_MAX_MS, Math.round(SLOWDOWN_BASE_MS * 2 ** doublings));
  }
}
