import { describe, expect, it } from 'vitest';
import { checkOutboundUrl, privateAddressProblem, urlHint } from './outbound-address.js';

describe('privateAddressProblem', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['10.0.0.5', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'link-local (cloud metadata)'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['0.0.0.0', 'this network'],
    ['224.0.0.1', 'multicast'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fd12:3456::1', 'unique local (private)'],
    ['fe80::1', 'link-local'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:a9fe:a9fe', 'link-local (cloud metadata)'],
    ['64:ff9b::10.0.0.1', 'private'],
  ])('%s is %s', (address, why) => {
    expect(privateAddressProblem(address)).toBe(why);
  });

  it.each(['1.1.1.1', '172.32.0.1', '100.128.0.1', '8.8.8.8', '2606:4700::1111', '::ffff:8.8.8.8'])(
    '%s is public',
    (address) => {
      expect(privateAddressProblem(address)).toBeNull();
    },
  );
});

describe('checkOutboundUrl', () => {
  const resolveTo = (address: string) => () => Promise.resolve([{ address, family: address.includes(':') ? 6 : 4 }]);

  it('refuses a name that resolves to a private address, naming only scheme and host', async () => {
    const err = await checkOutboundUrl('https://hooks.example.com/x?token=SECRET', false, resolveTo('10.0.0.7')).catch(
      (e: Error) => e,
    );
    expect((err as Error).message).toBe(
      'hooks.example.com is a private address (10.0.0.7); only an administrator can allow private networks for a notification',
    );
    expect((err as Error).message).not.toContain('SECRET');
  });

  it('gives the checked address to connect to, and allows private ones when told', async () => {
    expect(await checkOutboundUrl('https://hooks.example.com/x', false, resolveTo('93.184.216.34'))).toMatchObject({
      address: '93.184.216.34',
      family: 4,
    });
    expect(await checkOutboundUrl('http://127.0.0.1:9/x', true)).toMatchObject({ address: '127.0.0.1' });
    await expect(checkOutboundUrl('http://[::1]:9/x', false)).rejects.toThrow('loopback');
  });

  it('refuses other schemes and credentials in the URL', async () => {
    await expect(checkOutboundUrl('file:///etc/passwd', true)).rejects.toThrow('only http and https');
    await expect(checkOutboundUrl('https://u:p@example.com/', true)).rejects.toThrow('user name or password');
  });

  it('urlHint keeps scheme and host only', () => {
    expect(urlHint('https://oapi.dingtalk.com/robot/send?access_token=abc')).toBe('https://oapi.dingtalk.com');
  });
});
