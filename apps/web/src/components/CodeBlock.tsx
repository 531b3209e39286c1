import { CopyButton } from './CopyButton';

export function CodeBlock({ code, testId, caption }: { code: string; testId?: string; caption?: string }) {
  return (
    <figure className="code-block">
      {caption && <figcaption>{caption}</figcaption>}
      <pre data-testid={testId}>
        <code>{code}</code>
      </pre>
      <div className="code-copy">
        <CopyButton text={code} testId={testId ? `${testId}-copy` : undefined} />
      </div>
    </figure>
  );
}
