import { describe, expect, it } from 'vitest';
import { clientAddressKey } from './client-address.js';

describe('clientAddressKey', () => {
  it('keeps IPv4 addresses as they are', () => {
    expect(clientAddressKey('127.0.0.1')).toBe('127.0.0.1');
    expect(clientAddressKey('203.0.113.7')).toBe('203.0.113.7');
  });

  it('turns IPv4-mapped IPv6 into the IPv4 address', () => {
    expect(clientAddressKey('::ffff:127.0.0.2')).toBe('127.0.0.2');
    expect(clientAddressKey('::FFFF:7f00:3')).toBe('127.0.0.3');
  });

  it('groups IPv6 addresses by /64, whatever the notation', () => {
    const a = clientAddressKey('2001:db8:1:2::1');
    expect(a).toBe('2001:db8:1:2::/64');
    expect(clientAddressKey('2001:0db8:0001:0002:ffff:1:2:3')).toBe(a);
    expect(clientAddressKey('2001:db8:1:2:0:0:0:9%eth0')).toBe(a);
    expect(clientAddressKey('2001:db8:1:3::1')).not.toBe(a);
    expect(clientAddressKey('::1')).toBe('0:0:0:0::/64');
    expect(clientAddressKey('fe80::1:2.3.4.5')).toBe('fe80:0:0:0::/64');
  });

  it('puts a missing or unparsable address in one shared bucket', () => {
    expect(clientAddressKey(null)).toBe('unknown');
    expect(clientAddressKey(undefined)).toBe('unknown');
    expect(clientAddressKey('')).toBe('unknown');
    expect(clientAddressKey('not an ip')).toBe('unknown');
  });
});
