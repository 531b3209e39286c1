import { describe, expect, it } from 'vitest';
import {
  imageRepositoryOf,
  imageToDeploy,
  kubernetesReleaseSettingsSchema,
  kubernetesWorkloadSchema,
  releaseImageSchema,
} from './kubernetes.js';
import { registerImageSchema } from './dto.js';

describe('kubernetes schemas', () => {
  it('finds the repository of tags and digests, keeping a registry port', () => {
    expect(imageRepositoryOf('registry.example.com:5000/group/app:v1.2')).toBe('registry.example.com:5000/group/app');
    expect(imageRepositoryOf('registry.example.com:5000/group/app')).toBe('registry.example.com:5000/group/app');
    expect(imageRepositoryOf(`app@sha256:${'a'.repeat(64)}`)).toBe('app');
    expect(imageRepositoryOf(`reg.io/app:v1@sha256:${'a'.repeat(64)}`)).toBe('reg.io/app');
  });

  it('releases by digest when the artifact has one, else by tag', () => {
    const digest = `sha256:${'b'.repeat(64)}`;
    expect(imageToDeploy({ ref: 'reg.io/app:abc123' })).toBe('reg.io/app:abc123');
    expect(imageToDeploy({ ref: 'reg.io:5000/app:abc123', digest })).toBe(`reg.io:5000/app@${digest}`);
  });

  it('defaults a workload to a Deployment and refuses names the API server would', () => {
    expect(kubernetesWorkloadSchema.parse({ namespace: 'shop', name: 'web', container: 'app' }).kind).toBe(
      'Deployment',
    );
    for (const bad of [
      { namespace: 'Shop', name: 'web', container: 'app' },
      { namespace: 'shop', name: 'web/../x', container: 'app' },
      { namespace: 'shop', name: 'web', container: 'app_1' },
      { namespace: 'shop', name: 'web', container: 'app', kind: 'CronJob' },
      { namespace: 'shop', name: 'web', container: 'app', imageRepository: 'reg.io/app:v1' },
    ]) {
      expect(kubernetesWorkloadSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it('release settings default to image mode with a 10 minute deadline', () => {
    expect(kubernetesReleaseSettingsSchema.parse({})).toEqual({ mode: 'image', rolloutTimeoutSeconds: 600 });
    expect(kubernetesReleaseSettingsSchema.safeParse({ rolloutTimeoutSeconds: 1 }).success).toBe(false);
  });
});

describe('kubernetes target config', () => {
  it('takes exactly the workload names the API server and the executor take', async () => {
    const { kubernetesTargetConfigSchema } = await import('./targets.js');
    const base = { apiUrl: 'https://k8s.example.com:6443', namespace: 'shop', container: 'app' };
    for (const name of ['web', 'a', `a${'b'.repeat(252)}`, 'web.v2', 'my-app.shop-1']) {
      expect(kubernetesTargetConfigSchema.safeParse({ ...base, deployment: name }).success, name).toBe(true);
      expect(kubernetesWorkloadSchema.safeParse({ namespace: 'shop', name, container: 'app' }).success, name).toBe(
        true,
      );
    }
    for (const name of ['a..b', 'a.-b', 'a-.b', '-a', 'a-', 'Web', `a${'b'.repeat(253)}`, '.a']) {
      expect(kubernetesTargetConfigSchema.safeParse({ ...base, deployment: name }).success, name).toBe(false);
      expect(kubernetesWorkloadSchema.safeParse({ namespace: 'shop', name, container: 'app' }).success, name).toBe(
        false,
      );
    }
  });
});

describe('images by digest', () => {
  const digest = `sha256:${'0123456789abcdef'.repeat(4)}`;
  const base = { version: '1.2.3' };

  it('register-image takes repo@sha256:…, repo:tag@sha256:… and repo:tag, and stores repo[:tag] and the digest apart', () => {
    expect(registerImageSchema.parse({ ...base, image: `reg.io:5000/shop/web@${digest}` })).toEqual({
      ...base,
      image: 'reg.io:5000/shop/web',
      digest,
    });
    expect(registerImageSchema.parse({ ...base, image: `reg.io/shop/web:3f2a9c1@${digest}` })).toEqual({
      ...base,
      image: 'reg.io/shop/web:3f2a9c1',
      digest,
    });
    expect(registerImageSchema.parse({ ...base, image: 'reg.io/shop/web:3f2a9c1', digest })).toEqual({
      ...base,
      image: 'reg.io/shop/web:3f2a9c1',
      digest,
    });
    // The same digest both ways is fine; the parsed body parses again to itself (CLI -> API).
    const twice = registerImageSchema.parse({ ...base, image: `reg.io/shop/web@${digest}`, digest });
    expect(registerImageSchema.parse(twice)).toEqual(twice);
  });

  it('register-image refuses a digest that disagrees, a bare repository and a malformed digest, naming the field', () => {
    const other = `sha256:${'f'.repeat(64)}`;
    const issue = (body: object) => registerImageSchema.safeParse({ ...base, ...body }).error?.issues[0];
    expect(issue({ image: `reg.io/web@${digest}`, digest: other })).toMatchObject({ path: ['digest'] });
    expect(issue({ image: 'reg.io/web' })).toMatchObject({
      path: ['image'],
      message: expect.stringMatching(/needs a tag .* or a digest/),
    });
    expect(issue({ image: 'reg.io/web@sha256:abc' })).toMatchObject({ path: ['image'] });
    expect(issue({ image: `reg.io/web@sha512:${'a'.repeat(128)}` })).toMatchObject({ path: ['image'] });
  });

  it('a release image without a tag needs its digest, and deploys by it', () => {
    expect(releaseImageSchema.safeParse({ ref: 'reg.io/web' }).success).toBe(false);
    expect(releaseImageSchema.safeParse({ ref: `reg.io/web@${digest}` }).success).toBe(false);
    const image = releaseImageSchema.parse({ ref: 'reg.io/web', digest });
    expect(imageToDeploy(image)).toBe(`reg.io/web@${digest}`);
    expect(imageToDeploy(releaseImageSchema.parse({ ref: 'reg.io/web:v1', digest }))).toBe(`reg.io/web@${digest}`);
  });
});
