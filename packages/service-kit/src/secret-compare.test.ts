import { describe, expect, it } from 'vitest';
import { instanceIdFor } from './instance-id.js';
import { secretsEqual } from './secret-compare.js';

describe('secretsEqual', () => {
  it('is true only for the same text, whatever the lengths', () => {
    expect(secretsEqual('s3cret-s3cret-s3cret', 's3cret-s3cret-s3cret')).toBe(true);
    expect(secretsEqual('s3cret-s3cret-s3creT', 's3cret-s3cret-s3cret')).toBe(false);
    expect(secretsEqual('s3cret', 's3cret-s3cret-s3cret')).toBe(false);
    expect(secretsEqual('', 's3cret-s3cret-s3cret')).toBe(false);
  });
});

describe('instanceIdFor', () => {
  it('uses the pod name and namespace in Kubernetes, else host name and port', () => {
    expect(instanceIdFor('shop', 3000, { POD_NAME: 'shop-7d9f8-x2x1z', POD_NAMESPACE: 'qa' })).toBe(
      'shop-qa-shop-7d9f8-x2x1z',
    );
    expect(instanceIdFor('shop', 3000, { POD_NAME: 'shop-1' })).toBe('shop-default-shop-1');
    expect(instanceIdFor('shop', 3000, {}, 'web 01.local')).toBe('shop-web-01.local-3000');
  });
});
