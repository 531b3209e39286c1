import { CopyButton } from './CopyButton';

export function CodeBlock({ code, testId, caption }: { code: string; testId?: string; caption?: string }) {
  return (
    <figure className="code-block">
      <figcaption>
        <span>{caption}</span>
        <CopyButton text={code} testId={testId ? `${testId}-copy` : undefined} />
      </figcaption>
      <pre data-testid={testId}>
        <code>{code}</code>
      </pre>
    </figure>
  );
}
